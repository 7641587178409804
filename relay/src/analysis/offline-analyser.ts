// The analyser that needs no key and no network: rules and small trained word models over the
// redacted transcript. It is what the relay runs out of the box and what it falls back to when
// a model keeps failing, so it has to produce insights a rep can use: who called, why, how it
// ended, what to do next.
// Its confidences are raw scores mapped to how often such a score was right on calls the rules
// were not written from (offline/calibration.ts); every result says source 'offline'.
import type { Turn } from '../calls/model.ts';
import type { Metrics } from '../metrics.ts';
import type { AnalysisThread } from './analysis-thread.ts';
import type { AnalysisInput, AnalysisResult, Analyser } from './analyser.ts';
import { Insights } from './insights.ts';
import { Intent } from '../taxonomy.ts';
import { calibrated } from './offline/calibration.ts';
import { callerIdentity } from './offline/caller.ts';
import { classifyDisposition, classifyIntent, loadWordModels } from './offline/classify.ts';
import { followUpFor, pipelineStageFor, tagsFor } from './offline/follow-up.ts';
import { sentences, type Sentence } from './offline/sentences.ts';
import { summarise } from './offline/summary.ts';
import { redactTranscript, type RedactedTranscript } from './redact.ts';

export type OfflineOptions = {
  /** Whether the transcript handed on to CRMs is the redacted one (config redaction.inTranscript). */
  redactTranscript: boolean;
  metrics?: Metrics;
  /** Where the work runs: a worker thread in the relay, the caller's thread when absent. */
  thread?: AnalysisThread;
};

/**
 * Names and emails go back into a sentence of turn \`turn\` as that turn said them (the CRM
 * receives them anyway); numbers, cards and addresses stay placeholders.
 */
function restoreContact(redacted: RedactedTranscript, turn: number, text: string): string {
  return text.replace(/\[(?:NAME|EMAIL)_\d+\]/g, (placeholder) => {
    const entity = redacted.entities.find((e) => e.turn === turn && e.placeholder === placeholder);
    if (!entity) return redacted.valueOf(placeholder) ?? placeholder;
    return entity.type === 'email' ? entity.normalised : entity.value;
  });
}

/** The insights with the rules' and models' raw scores as confidences, before calibration. */
export function rawInsights(input: AnalysisInput, redacted: RedactedTranscript = redactTranscript(input.transcript)): Insights {
  const turns = redacted.turns;
  const reference = input.startedAt ? new Date(input.startedAt) : new Date();
  const vendorText = input.vendor?.summary ?? null;
  const intent = classifyIntent(turns, vendorText, input.direction);
  const disposition = classifyDisposition(turns, intent, vendorText, input.direction);
  const caller = callerIdentity(input.transcript, redacted);
  const tags = tagsFor(turns, disposition.value);
  const evidence = disposition.evidence.get(disposition.value) ?? null;
  const firstName = caller.name && caller.nameConfidence >= 0.5 ? caller.name : null;
  // A number the caller gave that is not the one they called from is where to call them back.
  const fromDigits = input.from?.replace(/\D/g, '') ?? '';
  const callbackNumber = caller.phones.find((p) => !fromDigits.endsWith(p.replace(/\D/g, '').slice(-10))) ?? null;
  const followUp = followUpFor(turns, disposition.value, evidence?.turn ?? null, reference, firstName, callbackNumber);
  const asked = intent.evidence.get(intent.value) ?? firstSentence(turns, 'caller', 0);
  // What was agreed, not a question the agent asked on the way there.
  const said = evidence && !asks(evidence.sentence) && (turns[evidence.turn]!.speaker === 'agent' || disposition.value === 'not_interested') ? evidence : lastSentence(turns, 'agent');
  const spoken = spoke(turns);
  const summary = summarise({
    intent: intent.value,
    disposition: disposition.value,
    askedSentence: asked ? restoreContact(redacted, asked.turn, asked.sentence) : null,
    said: said ? { sentence: restoreContact(redacted, said.turn, said.sentence), speaker: turns[said.turn]!.speaker } : null,
    followUp,
    empty: !spoken,
  });
  const qualification = disposition.value === 'qualified' || intent.value === 'sales_inquiry' ? qualificationNotes(turns, redacted) : null;
  return Insights.parse({
    callerName: caller.name,
    callerNameConfidence: caller.nameConfidence,
    callerEmail: caller.email,
    intent: intent.value,
    intentConfidence: intent.confidence,
    disposition: disposition.value,
    dispositionConfidence: disposition.confidence,
    summary,
    nextAction: followUp.nextAction,
    nextActionDue: followUp.nextActionDue,
    tags,
    pipelineStage: pipelineStageFor(intent.value, disposition.value, tags),
    appointmentTime: followUp.appointmentTime,
    qualificationNotes: qualification,
  });
}

const spoke = (turns: Turn[]) => turns.some((t) => t.speaker === 'caller' && t.text.trim() !== '');

const asks = (sentence: string) => sentence.trim().endsWith('?');

/** A sentence of five words or more: short ones are greetings and thanks. */
const substantive = (sentence: Sentence) => sentence.text.split(/\s+/).length >= 5;

/** The caller's first substantive sentence: what they asked, when no cue says it better. */
function firstSentence(turns: Turn[], speaker: Turn['speaker'], from: number): { turn: number; sentence: string } | null {
  for (let i = from; i < turns.length; i++) {
    if (turns[i]!.speaker !== speaker) continue;
    const found = sentences(turns[i]!.text).find(substantive);
    if (found) return { turn: i, sentence: found.text };
  }
  return null;
}

/** The agent's last substantive sentence that is no question: what they last told the caller or did. */
function lastSentence(turns: Turn[], speaker: Turn['speaker']): { turn: number; sentence: string } | null {
  for (let i = turns.length - 1; i >= 0; i--) {
    if (turns[i]!.speaker !== speaker) continue;
    const found = sentences(turns[i]!.text).filter((s) => substantive(s) && !asks(s.text)).at(0);
    if (found) return { turn: i, sentence: found.text };
  }
  return null;
}

/** Caller sentences about budget, size, timing or what they use now: what a salesperson asks first. */
function qualificationNotes(turns: RedactedTranscript['turns'], redacted: RedactedTranscript): string | null {
  const notes: string[] = [];
  for (const [index, turn] of turns.entries()) {
    if (turn.speaker !== 'caller' || notes.length >= 4) continue;
    for (const { text: sentence } of sentences(turn.text)) {
      if (/\b(budget|\$\d|dollars|square (feet|foot)|sq ?ft|users|seats|employees|locations|units|rooms|by (next|the end)|this (month|week|year)|currently (use|using|have)|timeline|asap|how soon)\b/i.test(sentence)) {
        notes.push(restoreContact(redacted, index, sentence.trim()));
      }
    }
  }
  return notes.length ? notes.slice(0, 4).join(' ') : null;
}

/** The whole offline analysis of one call, on whichever thread calls it. */
export function offlineAnalysis(input: AnalysisInput, handOnRedacted: boolean): AnalysisResult {
  const redacted = redactTranscript(input.transcript);
  const raw = rawInsights(input, redacted);
  const insights = {
    ...raw,
    callerNameConfidence: raw.callerName === null ? 0 : calibrated('name', raw.callerNameConfidence),
    // Nobody spoke: the intent is a guess among all of them, which no fitted map has seen.
    intentConfidence: spoke(input.transcript) ? calibrated('intent', raw.intentConfidence) : Math.round(100 / Intent.options.length) / 100,
    dispositionConfidence: calibrated('disposition', raw.dispositionConfidence),
  };
  return {
    insights,
    source: 'offline',
    redaction: redacted.report,
    redactedTranscript: handOnRedacted ? redacted.turns : input.transcript,
    usage: null,
  };
}

export class OfflineAnalyser implements Analyser {
  private readonly options: OfflineOptions;

  constructor(options: OfflineOptions) {
    this.options = options;
    // The relay builds its analysers at start: the first call should not wait for the models.
    if (options.thread) options.thread.warm();
    else loadWordModels();
  }

  async analyse(input: AnalysisInput): Promise<AnalysisResult> {
    const { thread, redactTranscript: handOn } = this.options;
    const result = thread ? await thread.offline(input, handOn) : offlineAnalysis(input, handOn);
    this.options.metrics?.analyses.inc({ source: 'offline', outcome: 'ok' });
    return result;
  }
}
