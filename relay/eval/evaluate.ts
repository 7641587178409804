// Measures analysis quality on the labelled sets in this folder: redaction precision, recall
// and F2 per entity type (recall weighs more: a missed phone number leaks, an extra
// placeholder only costs readability), an analyser's intent, disposition, name, email and
// due-date accuracy, and how well its confidences are calibrated. Used by `npm run eval` and
// by the regression test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Analyser } from '../src/analysis/analyser.ts';
import { PiiType } from '../src/analysis/insights.ts';
import { redactText } from '../src/analysis/redact.ts';
import { Direction, Turn } from '../src/calls/model.ts';
import { Disposition, Intent } from '../src/taxonomy.ts';

/** dev: used while writing the rules; holdout: written afterwards and only ever measured. */
export const Split = z.enum(['dev', 'holdout']);
export type Split = z.infer<typeof Split>;

const Labels = z.object({
  intent: Intent,
  disposition: Disposition,
  callerName: z.string().nullable(),
  callerEmail: z.string().nullable(),
  /** When the next action is due, where the writer labelled it. */
  nextActionDue: z.string().nullable().optional(),
});

const LabelledCall = z.object({
  id: z.string(),
  split: Split,
  direction: Direction,
  startedAt: z.string(),
  turns: z.array(Turn.omit({ startMs: true })),
  labels: Labels,
});
export type LabelledCall = z.infer<typeof LabelledCall>;

const Utterance = z.object({
  split: Split,
  text: z.string(),
  entities: z.array(z.object({ type: PiiType, text: z.string(), start: z.number().int().nonnegative() })),
});
export type Utterance = z.infer<typeof Utterance>;

function readJson(url: URL): unknown {
  return JSON.parse(readFileSync(url, 'utf8'));
}

function checkSpans(utterances: Utterance[], file: string): Utterance[] {
  for (const u of utterances) {
    for (const e of u.entities) if (u.text.slice(e.start, e.start + e.text.length) !== e.text) throw new Error(`${file}: "${e.text}" is not at ${e.start} in "${u.text}"`);
  }
  return utterances;
}

export function loadCalls(): LabelledCall[] {
  return z.object({ calls: z.array(LabelledCall) }).parse(readJson(new URL('./calls.json', import.meta.url))).calls;
}

export function loadUtterances(): Utterance[] {
  return checkSpans(z.object({ utterances: z.array(Utterance) }).parse(readJson(new URL('./pii.json', import.meta.url))).utterances, 'pii.json');
}

/**
 * A set written by someone who never saw the code or the other sets, kept in its own folder
 * under first-sight/ with the writer's files as they came (their `split` is ignored) and
 * about.json saying when it arrived.
 */
export type FirstSightSet = { name: string; received: string; summary: string | null; calls: LabelledCall[]; utterances: Utterance[] };

const About = z.object({ received: z.string(), summary: z.string().nullable() });

export function loadFirstSightSets(): FirstSightSet[] {
  const folder = new URL('./first-sight/', import.meta.url);
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = (f: string) => new URL(`./first-sight/${name}/${f}`, import.meta.url);
      const about = About.parse(readJson(file('about.json')));
      const callsFile = file('calls.json');
      const piiFile = file('pii.json');
      const calls = existsSync(callsFile)
        ? z.object({ calls: z.array(LabelledCall.extend({ split: z.unknown().transform(() => 'holdout' as const) })) }).parse(readJson(callsFile)).calls
        : [];
      const utterances = existsSync(piiFile)
        ? checkSpans(z.object({ utterances: z.array(Utterance.extend({ split: z.unknown().transform(() => 'holdout' as const) })) }).parse(readJson(piiFile)).utterances, `${name}/pii.json`)
        : [];
      return { name, ...about, calls, utterances };
    });
}

export type Score = { truePositives: number; falsePositives: number; falseNegatives: number; precision: number; recall: number; f2: number };

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function score(tp: number, fp: number, fn: number): Score {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f2 = precision + recall === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, precision: round3(precision), recall: round3(recall), f2: round3(f2) };
}

export type RuleScores = { byType: Partial<Record<PiiType, Score>>; overall: Score };
/** strict: every letter and digit of an entity covered by placeholders (the headline); overlap: a placeholder of its type touches it. */
export type RedactionScores = { strict: RuleScores; overlap: RuleScores; misses: string[] };

const ALNUM = /[\p{L}\p{N}]/u;

function tally(counts: Map<PiiType, { tp: number; fp: number; fn: number }>): RuleScores {
  const byType: Partial<Record<PiiType, Score>> = {};
  let [tp, fp, fn] = [0, 0, 0];
  for (const [type, c] of counts) {
    byType[type] = score(c.tp, c.fp, c.fn);
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  return { byType, overall: score(tp, fp, fn) };
}

/**
 * Strict: a labelled entity counts as found only when every letter and digit of it lies under
 * a placeholder (of any type: what matters is that none of it leaks); a part left in the text
 * is a miss. Overlap (the older, kinder rule): a placeholder of the entity's type overlaps it.
 * Under both, a false positive is a placeholder that covers no labelled entity at all.
 */
export function evaluateRedaction(utterances: Utterance[]): RedactionScores {
  const empty = () => new Map<PiiType, { tp: number; fp: number; fn: number }>(PiiType.options.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  const strict = empty();
  const overlap = empty();
  const misses: string[] = [];
  for (const u of utterances) {
    const found = redactText(u.text).entities;
    const gold = u.entities.map((e) => ({ ...e, end: e.start + e.text.length }));
    const covered = new Uint8Array(u.text.length);
    for (const f of found) covered.fill(1, f.start, f.end);
    for (const f of found) {
      if (gold.some((g) => g.start < f.end && f.start < g.end)) continue;
      strict.get(f.type)!.fp += 1;
      overlap.get(f.type)!.fp += 1;
      misses.push(`extra ${f.type}: "${u.text.slice(f.start, f.end)}" in "${u.text}"`);
    }
    for (const g of gold) {
      let whole = true;
      for (let i = g.start; i < g.end && whole; i++) if (covered[i] === 0 && ALNUM.test(u.text[i]!)) whole = false;
      const touched = found.some((f) => f.type === g.type && g.start < f.end && f.start < g.end);
      strict.get(g.type)![whole ? 'tp' : 'fn'] += 1;
      overlap.get(g.type)![touched ? 'tp' : 'fn'] += 1;
      if (!whole) {
        const left = [...g.text].map((ch, i) => (covered[g.start + i] ? '█' : ch)).join('');
        misses.push(`${touched ? 'partly' : 'missed'} ${g.type}: "${left}" in "${u.text}"`);
      }
    }
  }
  return { strict: tally(strict), overlap: tally(overlap), misses };
}

/** Confidence against being right, in ten bins: how far the analyser's confidence is from its accuracy. */
export type Calibration = { predictions: number; ece: number; bins: { from: number; to: number; count: number; confidence: number; accuracy: number }[] };

export type Prediction = { confidence: number; correct: boolean };

/** Expected calibration error: the count-weighted mean gap between confidence and accuracy per bin. */
export function calibration(predictions: Prediction[]): Calibration {
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10, count: 0, confidence: 0, accuracy: 0 }));
  for (const p of predictions) {
    const bin = bins[Math.min(9, Math.floor(p.confidence * 10))]!;
    bin.count += 1;
    bin.confidence += p.confidence;
    bin.accuracy += p.correct ? 1 : 0;
  }
  let ece = 0;
  for (const bin of bins) {
    if (bin.count === 0) continue;
    ece += (bin.count / predictions.length) * Math.abs(bin.accuracy / bin.count - bin.confidence / bin.count);
    bin.confidence = round3(bin.confidence / bin.count);
    bin.accuracy = round3(bin.accuracy / bin.count);
  }
  return { predictions: predictions.length, ece: round3(ece), bins: bins.filter((b) => b.count > 0) };
}

export const CALIBRATED = ['name', 'intent', 'disposition'] as const;
export type Calibrated = (typeof CALIBRATED)[number];

export type AnalyserScores = {
  calls: number;
  intentAccuracy: number;
  dispositionAccuracy: number;
  nameAccuracy: number;
  emailAccuracy: number;
  /** Share of labelled due dates the analyser got to the minute, and on the right day; null when none is labelled. */
  dueAccuracy: { labelled: number; exact: number; sameDay: number } | null;
  /** Every confidence the analyser gave with whether that answer was right. A name counts where one was given. */
  predictions: Record<Calibrated, Prediction[]>;
  misses: string[];
};

const same = (a: string | null, b: string | null) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

export async function evaluateAnalyser(analyser: Analyser, calls: LabelledCall[]): Promise<AnalyserScores> {
  let [intent, disposition, name, email, dueLabelled, dueExact, dueDay] = [0, 0, 0, 0, 0, 0, 0];
  const predictions: Record<Calibrated, Prediction[]> = { name: [], intent: [], disposition: [] };
  const misses: string[] = [];
  for (const call of calls) {
    // A model error on one call counts as a miss on every measure, not as the end of the run.
    const result = await analyser
      .analyse({
        callId: call.id,
        agentId: null,
        direction: call.direction,
        from: null,
        to: null,
        startedAt: call.startedAt,
        transcript: call.turns.map((t) => ({ ...t, startMs: null })),
        vendor: null,
      })
      .catch((error: Error) => error);
    if (result instanceof Error) {
      misses.push(`${call.id}: analysis failed: ${result.message}`);
      continue;
    }
    const { insights } = result;
    const check = (ok: boolean, what: string, got: string | null, want: string | null) => {
      if (!ok) misses.push(`${call.id}: ${what} ${got ?? 'null'}, labelled ${want ?? 'null'}`);
      return ok ? 1 : 0;
    };
    const intentRight = check(insights.intent === call.labels.intent, 'intent', insights.intent, call.labels.intent);
    const dispositionRight = check(insights.disposition === call.labels.disposition, 'disposition', insights.disposition, call.labels.disposition);
    const nameRight = check(same(insights.callerName, call.labels.callerName), 'name', insights.callerName, call.labels.callerName);
    intent += intentRight;
    disposition += dispositionRight;
    name += nameRight;
    email += check(same(insights.callerEmail, call.labels.callerEmail), 'email', insights.callerEmail, call.labels.callerEmail);
    predictions.intent.push({ confidence: insights.intentConfidence, correct: intentRight === 1 });
    predictions.disposition.push({ confidence: insights.dispositionConfidence, correct: dispositionRight === 1 });
    if (insights.callerName !== null) predictions.name.push({ confidence: insights.callerNameConfidence, correct: nameRight === 1 });
    const due = call.labels.nextActionDue;
    if (due !== undefined) {
      dueLabelled += 1;
      const got = insights.nextActionDue;
      const exact = due === null ? got === null : got !== null && Math.abs(Date.parse(got) - Date.parse(due)) < 60_000;
      const day = due === null ? got === null : got !== null && got.slice(0, 10) === new Date(due).toISOString().slice(0, 10);
      dueExact += exact ? 1 : 0;
      dueDay += day ? 1 : 0;
      if (!exact) misses.push(`${call.id}: next action due ${got ?? 'null'}, labelled ${due ?? 'null'}`);
    }
  }
  const rate = (n: number, of = calls.length) => (of === 0 ? 0 : round3(n / of));
  return {
    calls: calls.length,
    intentAccuracy: rate(intent),
    dispositionAccuracy: rate(disposition),
    nameAccuracy: rate(name),
    emailAccuracy: rate(email),
    dueAccuracy: dueLabelled ? { labelled: dueLabelled, exact: rate(dueExact, dueLabelled), sameDay: rate(dueDay, dueLabelled) } : null,
    predictions,
    misses,
  };
}
