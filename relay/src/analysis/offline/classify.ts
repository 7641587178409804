// Intent and disposition from the whole conversation, by word models trained on labelled calls
// (bayes.ts) and weighted cue phrases. Intent leans on what the caller says first (why they
// called); disposition leans on the end of the call (how it ended), and both speakers count,
// because the agent is the one who says "you're all set for Friday" or "let me transfer you".
import type { Direction, Turn } from '../../calls/model.ts';
import { Disposition, Intent } from '../../taxonomy.ts';
import { intentWords, loadDispositionModel, loadIntentModel, outcomeWords, posterior, type WordModel } from './bayes.ts';
import { BOOKED_ALREADY, DISPOSITION_CUES, INTENT_CUES, negated, type Cue, type OutcomeCue } from './cues.ts';
import { sentenceAround } from './sentences.ts';

export type Scored<T extends string> = { value: T; confidence: number; scores: Map<T, number>; evidence: Map<T, { turn: number; sentence: string }> };

/** Where the cues are said in \`lower\`, a lower-cased text (lower-cased once by the caller, not once per cue). */
function hits(lower: string, cues: Cue[]): { weight: number; index: number }[] {
  const out: { weight: number; index: number }[] = [];
  for (const c of cues) {
    for (const match of lower.matchAll(c.pattern)) {
      if (c.negatable && negated(lower, match.index)) continue;
      out.push({ weight: c.weight, index: match.index });
    }
  }
  return out;
}

function confidenceFrom(scores: number[], floor: number): number {
  const [top = 0, second = 0] = [...scores].sort((a, b) => b - a);
  if (top <= 0) return floor;
  const margin = (top - second) / top;
  const strength = Math.min(1, top / 6);
  return Math.round(Math.min(1, floor + 0.25 * margin + 0.2 * strength) * 100) / 100;
}

/**
 * What the word model's probability for an intent is worth in cue points. On calls neither was
 * written from, the model is right far more often than the cues (see relay/eval/README.md), so
 * it leads: a confident model outweighs several cues heard early (3 to 6 points each), and the
 * cues decide between the intents the model is unsure about.
 */
const MODEL_WEIGHT = 8;
let trainedIntent: WordModel | undefined;
let trainedDisposition: WordModel | undefined;
// Read on first use, so the training script can run while the files are being replaced.
const intentModel = () => (trainedIntent ??= loadIntentModel());
const dispositionModel = () => (trainedDisposition ??= loadDispositionModel());

/** Reads both word models now rather than during the first call (a few hundred milliseconds). */
export function loadWordModels(): void {
  intentModel();
  dispositionModel();
}

/** How many words these turns hold. */
const wordCount = (turns: Turn[]) => turns.reduce((n, t) => n + t.text.split(/\s+/).filter(Boolean).length, 0);

/**
 * Cue phrases are read in each side's first turns for intent and in the call's last turns for
 * the outcome: that is where they are said, and a call of thousands of turns then costs no more
 * cue matching than a long ordinary one (the word models still read every turn).
 */
const INTENT_TURNS = 12;
const OUTCOME_TURNS = 30;

/** Intents the agent can tell as well as the caller: a robocall's pitch, a wrong number. */
const AGENT_KNOWS = new Set<Intent>(['spam', 'wrong_number']);

/**
 * `extra` is vendor-provided text (a platform's own summary): weak, supporting evidence. On an
 * outbound call the agent states the purpose, so its words count as much as the other party's.
 * `model` is the word model to weigh in, null for cues alone.
 */
export function classifyIntent(turns: Turn[], extra: string | null, direction: Direction = 'inbound', model: WordModel | null = intentModel()): Scored<Intent> {
  const scores = new Map<Intent, number>(Intent.options.map((i) => [i, 0]));
  const evidence = new Map<Intent, { turn: number; sentence: string }>();
  const seen = { caller: 0, agent: 0 };
  turns.forEach((turn, index) => {
    const isCaller = turn.speaker === 'caller';
    const nth = seen[turn.speaker]++;
    if (nth >= INTENT_TURNS) return;
    const lower = turn.text.toLowerCase();
    // Why someone called is said early; later turns are about the details and the wrap-up.
    const early = nth < 2 ? 1.5 : nth < 4 ? 1 : 0.6;
    const speaker = direction === 'outbound' ? (isCaller ? 0.8 : 1) : isCaller ? 1 : 0.35;
    for (const intent of Intent.options) {
      const weight = early * (AGENT_KNOWS.has(intent) && !isCaller ? Math.max(speaker, 0.8) : speaker);
      // Several cues for one intent in one turn are mostly one statement said several ways:
      // each further cue counts half as much as the one before.
      const found = hits(lower, INTENT_CUES[intent] ?? []);
      [...found].sort((x, y) => y.weight - x.weight).forEach((hit, nth) => scores.set(intent, scores.get(intent)! + hit.weight * weight * 0.5 ** nth));
      const first = found.length ? found.reduce((a, h) => (h.index < a.index ? h : a)) : null;
      if (isCaller && first && !evidence.has(intent)) evidence.set(intent, { turn: index, sentence: sentenceAround(turn.text, first.index) });
    }
  });
  if (extra) for (const intent of Intent.options) for (const hit of hits(extra.toLowerCase(), INTENT_CUES[intent] ?? [])) scores.set(intent, scores.get(intent)! + hit.weight * 0.5);
  if (model) {
    // A few words are too little for the model to be sure of anything ("hi, yeah ... sure"):
    // below a dozen words from the other party its say shrinks with them.
    const said = wordCount(turns.filter((t) => t.speaker === 'caller' || direction === 'outbound'));
    const weight = MODEL_WEIGHT * Math.min(1, said / 12);
    if (weight > 0) for (const [intent, p] of posterior<Intent>(model, intentWords(turns, direction))) scores.set(intent, scores.get(intent)! + weight * p);
  }
  // A booking cue inside a call about moving or cancelling one is part of that request, and so
  // is asking for a free slot right after mentioning the appointment one already has.
  const booked = turns.some((t) => t.speaker === 'caller' && hits(t.text.toLowerCase(), BOOKED_ALREADY).length > 0);
  if (booked) scores.set('reschedule_appointment', scores.get('reschedule_appointment')! + 0.8 * scores.get('book_appointment')!);
  if (booked || scores.get('reschedule_appointment')! >= 4) scores.set('book_appointment', scores.get('book_appointment')! * 0.4);
  let value: Intent = 'general_question';
  let best = 0;
  for (const [intent, score] of scores) if (score > best) [value, best] = [intent, score];
  return { value, confidence: best > 0 ? confidenceFrom([...scores.values()], 0.35) : 0.25, scores, evidence };
}

function outcomeHits(turns: Turn[]): { scores: Map<Disposition, number>; evidence: Map<Disposition, { turn: number; sentence: string }> } {
  const scores = new Map<Disposition, number>(Disposition.options.map((d) => [d, 0]));
  const where = new Map<Disposition, { turn: number; index: number }>();
  const strongest = new Map<Disposition, number>();
  turns.forEach((turn, index) => {
    if (index < turns.length - OUTCOME_TURNS) return;
    const lower = turn.text.toLowerCase();
    // Later turns say how the call ended; early ones only what was hoped for.
    const position = 0.4 + (0.6 * (index + 1)) / turns.length;
    for (const disposition of Disposition.options) {
      const cues: OutcomeCue[] = DISPOSITION_CUES[disposition] ?? [];
      for (const c of cues) {
        if (c.speaker && c.speaker !== turn.speaker) continue;
        for (const hit of hits(lower, [c])) {
          const contribution = hit.weight * position;
          scores.set(disposition, scores.get(disposition)! + contribution);
          // The sentence that counted most says best how the call ended; the agent's words
          // ("I've booked you for Friday") say it better than the caller's thanks.
          const strength = contribution * (turn.speaker === 'agent' ? 1.5 : 1);
          if (strength >= (strongest.get(disposition) ?? 0)) {
            strongest.set(disposition, strength);
            where.set(disposition, { turn: index, index: hit.index });
          }
        }
      }
    }
  });
  // The sentence is cut out once per outcome, not at every stronger hit: a long turn holds many.
  const evidence = new Map([...where].map(([disposition, at]) => [disposition, { turn: at.turn, sentence: sentenceAround(turns[at.turn]!.text, at.index) }]));
  return { scores, evidence };
}

/**
 * What the outcome model's probability is worth in cue points: like the intent model, it was
 * right more often than the cues on calls neither was written from (relay/eval/README.md), and
 * an outcome cue near the end of a call scores 2 to 4.
 */
const OUTCOME_MODEL_WEIGHT = 6;

/** `model` is the word model of outcomes to weigh in, null for cues alone. */
export function classifyDisposition(
  turns: Turn[],
  intent: Scored<Intent>,
  extra: string | null,
  direction: Direction = 'inbound',
  model: WordModel | null = dispositionModel(),
): Scored<Disposition> {
  const { scores, evidence } = outcomeHits(turns);
  if (extra) {
    const vendor = outcomeHits([{ speaker: 'agent', text: extra, startMs: null }]);
    for (const [d, s] of vendor.scores) scores.set(d, scores.get(d)! + s * 0.5);
  }
  const callerWords = wordCount(turns.filter((t) => t.speaker === 'caller'));
  const pick = (value: Disposition, confidence: number): Scored<Disposition> => ({ value, confidence, scores, evidence });

  if (turns.length === 0 || callerWords === 0) {
    // No caller speech at all: a voicemail greeting with no message, or a hang-up.
    return scores.get('voicemail')! > 0 ? pick('voicemail', 0.5) : pick('abandoned', 0.5);
  }
  if ((intent.value === 'spam' || intent.value === 'wrong_number') && intent.scores.get(intent.value)! >= 2) {
    return pick(intent.value, Math.min(1, intent.confidence + 0.05));
  }
  const agentTurns = turns.filter((t) => t.speaker === 'agent').length;
  // A message left on a voicemail greeting: the greeting opens the call, and no one answers it.
  const greeting = turns[0] ? outcomeHits([turns[0]]).scores.get('voicemail')! : 0;
  if ((greeting > 0 || scores.get('voicemail')! >= 3) && agentTurns <= 2) return pick('voicemail', 0.6);
  scores.set('voicemail', agentTurns <= 2 ? scores.get('voicemail')! : 0);
  if (model) for (const [d, p] of posterior<Disposition>(model, outcomeWords(turns, direction))) scores.set(d, scores.get(d)! + OUTCOME_MODEL_WEIGHT * p);
  // Moving an appointment books a new one; only cancelling it is a resolved request.
  if (intent.value === 'reschedule_appointment' && scores.get('appointment_booked')! > 0) {
    const said = turns.map((t) => t.text.toLowerCase()).join(' ');
    if (/\bcancel/.test(said) && !/\b(reschedul|moved|move (it|you)|instead|new time)\b/.test(said)) {
      scores.set('resolved', scores.get('resolved')! + scores.get('appointment_booked')!);
      scores.set('appointment_booked', 0);
    }
  }
  // Turning down an offer only happens when something was offered, a sale or a visit; elsewhere
  // "no, we're good" closes a conversation that got what it came for.
  if (intent.value !== 'sales_inquiry' && intent.value !== 'book_appointment') scores.set('not_interested', 0);
  // "I'll give her your message and she'll call you": the call back is part of the message.
  if (scores.get('message_taken')! > 0 && scores.get('callback_requested')! > 0) scores.set('message_taken', scores.get('message_taken')! + 1);
  // Interest in buying with a concrete next step, and no refusal, is a qualified lead.
  if (intent.value === 'sales_inquiry' && scores.get('not_interested')! === 0) {
    scores.set('qualified', scores.get('qualified')! + (scores.get('callback_requested')! > 0 ? 1 : 0.5));
  }
  let value: Disposition | null = null;
  let best = 0;
  for (const [d, s] of scores) if (s > best) [value, best] = [d, s];
  if (value === 'abandoned' && callerWords > 25 && best < 3) value = null;
  if (value) return pick(value, confidenceFrom([...scores.values()], 0.3));
  // Nothing said about how it ended. A call the agent ends talking to no one, after a few words
  // from the caller at most, was dropped; one the agent closes after the caller's answer was not.
  const unanswered = turns.length >= 2 && turns.at(-1)!.speaker === 'agent' && turns.at(-2)!.speaker === 'agent';
  if (callerWords < 8 && (unanswered || turns.at(-1)!.speaker === 'caller')) return pick('abandoned', 0.35);
  return pick(intent.value === 'complaint' ? 'message_taken' : 'resolved', 0.3);
}
