// Measures analysis quality on the labelled sets in this folder: redaction precision, recall
// and F2 per entity type (recall weighs more: a missed phone number leaks, an extra
// placeholder only costs readability), and an analyser's intent, disposition, name and email
// accuracy. Used by `npm run eval` and by the regression test.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Analyser } from '../src/analysis/analyser.ts';
import { PiiType } from '../src/analysis/insights.ts';
import { redactText } from '../src/analysis/redact.ts';
import { Direction, Turn } from '../src/calls/model.ts';
import { Disposition, Intent } from '../src/taxonomy.ts';

/** dev: used while writing the rules; holdout: written afterwards and only ever measured. */
export const Split = z.enum(['dev', 'holdout']);
export type Split = z.infer<typeof Split>;

const LabelledCall = z.object({
  id: z.string(),
  split: Split,
  direction: Direction,
  startedAt: z.string(),
  turns: z.array(Turn.omit({ startMs: true })),
  labels: z.object({ intent: Intent, disposition: Disposition, callerName: z.string().nullable(), callerEmail: z.string().nullable() }),
});
export type LabelledCall = z.infer<typeof LabelledCall>;

const Utterance = z.object({
  split: Split,
  text: z.string(),
  entities: z.array(z.object({ type: PiiType, text: z.string(), start: z.number().int().nonnegative() })),
});
export type Utterance = z.infer<typeof Utterance>;

export function loadCalls(): LabelledCall[] {
  const file = z.object({ calls: z.array(LabelledCall) }).parse(JSON.parse(readFileSync(new URL('./calls.json', import.meta.url), 'utf8')));
  return file.calls;
}

export function loadUtterances(): Utterance[] {
  const file = z.object({ utterances: z.array(Utterance) }).parse(JSON.parse(readFileSync(new URL('./pii.json', import.meta.url), 'utf8')));
  for (const u of file.utterances) {
    for (const e of u.entities) if (u.text.slice(e.start, e.start + e.text.length) !== e.text) throw new Error(`pii.json: "${e.text}" is not at ${e.start} in "${u.text}"`);
  }
  return file.utterances;
}

export type Score = { truePositives: number; falsePositives: number; falseNegatives: number; precision: number; recall: number; f2: number };

function score(tp: number, fp: number, fn: number): Score {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f2 = precision + recall === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, precision: round(precision), recall: round(recall), f2: round(f2) };
}

export type RedactionScores = { byType: Partial<Record<PiiType, Score>>; overall: Score; misses: string[] };

/** A found span counts when it overlaps a marked span of the same type. */
export function evaluateRedaction(utterances: Utterance[]): RedactionScores {
  const counts = new Map<PiiType, { tp: number; fp: number; fn: number }>(PiiType.options.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  const misses: string[] = [];
  for (const u of utterances) {
    const found = redactText(u.text).entities;
    const gold = u.entities.map((e) => ({ ...e, end: e.start + e.text.length }));
    for (const f of found) {
      const hit = gold.some((g) => g.type === f.type && g.start < f.end && f.start < g.end);
      if (!hit) {
        counts.get(f.type)!.fp += 1;
        misses.push(`extra ${f.type}: "${u.text.slice(f.start, f.end)}" in "${u.text}"`);
      }
    }
    for (const g of gold) {
      const hit = found.some((f) => f.type === g.type && g.start < f.end && f.start < g.end);
      counts.get(g.type)![hit ? 'tp' : 'fn'] += 1;
      if (!hit) misses.push(`missed ${g.type}: "${g.text}" in "${u.text}"`);
    }
  }
  const byType: Partial<Record<PiiType, Score>> = {};
  let [tp, fp, fn] = [0, 0, 0];
  for (const [type, c] of counts) {
    byType[type] = score(c.tp, c.fp, c.fn);
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  return { byType, overall: score(tp, fp, fn), misses };
}

export type AnalyserScores = {
  calls: number;
  intentAccuracy: number;
  dispositionAccuracy: number;
  nameAccuracy: number;
  emailAccuracy: number;
  misses: string[];
};

const same = (a: string | null, b: string | null) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

export async function evaluateAnalyser(analyser: Analyser, calls: LabelledCall[]): Promise<AnalyserScores> {
  let [intent, disposition, name, email] = [0, 0, 0, 0];
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
    intent += check(insights.intent === call.labels.intent, 'intent', insights.intent, call.labels.intent);
    disposition += check(insights.disposition === call.labels.disposition, 'disposition', insights.disposition, call.labels.disposition);
    name += check(same(insights.callerName, call.labels.callerName), 'name', insights.callerName, call.labels.callerName);
    email += check(same(insights.callerEmail, call.labels.callerEmail), 'email', insights.callerEmail, call.labels.callerEmail);
  }
  const rate = (n: number) => Math.round((n / calls.length) * 1000) / 1000;
  return { calls: calls.length, intentAccuracy: rate(intent), dispositionAccuracy: rate(disposition), nameAccuracy: rate(name), emailAccuracy: rate(email), misses };
}
