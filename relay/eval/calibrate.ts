// `npm run calibrate`: fits the maps from the offline analyser's raw scores to probabilities
// (relay/src/analysis/offline/calibration.json), by isotonic regression of "was it right" on the
// raw score, so a confidence of 0.9 is right about nine times in ten.
//
// It fits on answers the analyser gave to calls it was not built from:
// - intent and disposition: word models trained on one writer's calls (training-calls.json or
//   the dev calls of calls.json) scoring the other's, as in `npm run train:offline`;
// - all three: the holdout split and every first-sight set except the newest, which stays
//   untouched so the fit can be checked on it.
// The caller-name rules were written looking at the dev calls, so dev names count only while
// too few out-of-sample names exist for one step; the file says what each map was fitted on.
import { writeFileSync } from 'node:fs';
import type { AnalysisInput } from '../src/analysis/analyser.ts';
import { rawInsights } from '../src/analysis/offline-analyser.ts';
import { classifyDisposition, classifyIntent } from '../src/analysis/offline/classify.ts';
import { CALIBRATION_FILE, type CalibrationFile, type Measure } from '../src/analysis/offline/calibration.ts';
import { redactTranscript } from '../src/analysis/redact.ts';
import { loadCalls, loadFirstSightSets, type LabelledCall } from './evaluate.ts';
import { devExamples, trainDisposition, trainIntent, writtenExamples, type Example } from './word-models.ts';

/** Fewest answers one step of a map stands on. */
const MIN_BLOCK = 12;

type Answer = { raw: number; correct: boolean };
const answers: Record<Measure, Answer[]> = { name: [], intent: [], disposition: [] };
const sources: Record<Measure, string[]> = { name: [], intent: [], disposition: [] };

function crossWriter(trainOn: Example[], test: Example[], label: string) {
  const intentModel = trainIntent(trainOn);
  const dispositionModel = trainDisposition(trainOn);
  for (const call of test) {
    const turns = redactTranscript(call.turns).turns;
    const intent = classifyIntent(turns, null, call.direction, intentModel);
    const disposition = classifyDisposition(turns, intent, null, call.direction, dispositionModel);
    answers.intent.push({ raw: intent.confidence, correct: intent.value === call.intent });
    answers.disposition.push({ raw: disposition.confidence, correct: disposition.value === call.disposition });
  }
  for (const m of ['intent', 'disposition'] as const) sources[m].push(`${label} (${test.length} calls)`);
}

const same = (a: string | null, b: string | null) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

function fromCalls(calls: LabelledCall[], label: string, measures: Measure[]) {
  for (const call of calls) {
    const input: AnalysisInput = { callId: call.id, agentId: null, direction: call.direction, from: null, to: null, startedAt: call.startedAt, transcript: call.turns.map((t) => ({ ...t, startMs: null })), vendor: null };
    const insights = rawInsights(input);
    if (measures.includes('intent')) answers.intent.push({ raw: insights.intentConfidence, correct: insights.intent === call.labels.intent });
    if (measures.includes('disposition')) answers.disposition.push({ raw: insights.dispositionConfidence, correct: insights.disposition === call.labels.disposition });
    if (measures.includes('name') && insights.callerName !== null) answers.name.push({ raw: insights.callerNameConfidence, correct: same(insights.callerName, call.labels.callerName) });
  }
  for (const m of measures) sources[m].push(`${label} (${calls.length} calls)`);
}

type Block = { low: number; high: number; right: number; n: number };

const pool = (a: Block, b: Block): Block => ({ low: a.low, high: b.high, right: a.right + b.right, n: a.n + b.n });

/**
 * Pool adjacent violators: a non-decreasing map from raw score to the share right, in steps of
 * at least MIN_BLOCK answers (a step is merged into its neighbour until then).
 */
function isotonic(list: Answer[]): [number, number][] {
  let blocks: Block[] = [...list].sort((x, y) => x.raw - y.raw).map((a) => ({ low: a.raw, high: a.raw, right: a.correct ? 1 : 0, n: 1 }));
  for (let changed = true; changed; ) {
    changed = false;
    const out: Block[] = [];
    for (const block of blocks) {
      out.push(block);
      while (out.length > 1) {
        const [a, b] = [out.at(-2)!, out.at(-1)!];
        const violates = a.right / a.n >= b.right / b.n || Math.round(a.high * 1000) === Math.round(b.low * 1000) || a.n < MIN_BLOCK;
        if (!violates) break;
        out.splice(-2, 2, pool(a, b));
        changed = true;
      }
    }
    if (out.length > 1 && out.at(-1)!.n < MIN_BLOCK) {
      out.splice(-2, 2, pool(out.at(-2)!, out.at(-1)!));
      changed = true;
    }
    blocks = out;
  }
  // (right + 1) / (n + 2): a step of twelve answers all right is not certainty. That can dip a
  // large step below a smaller one before it, so the map keeps the higher of the two.
  // Each step is flat across the raw scores it holds and the map is linear between steps.
  let floor = 0;
  return blocks.flatMap((b) => {
    floor = Math.max(floor, (b.right + 1) / (b.n + 2));
    const [low, high, p] = [b.low, b.high, floor].map((n) => Math.round(n * 1000) / 1000) as [number, number, number];
    return low === high ? [[low, p] as [number, number]] : [[low, p] as [number, number], [high, p] as [number, number]];
  });
}

const dev = devExamples();
const written = writtenExamples();
crossWriter(written, dev, 'word models trained on training-calls.json, scoring the dev calls');
crossWriter(dev, written, 'word models trained on the dev calls, scoring training-calls.json');
const calls = loadCalls();
fromCalls(calls.filter((c) => c.split === 'holdout'), 'the holdout split', ['name', 'intent', 'disposition']);
const sets = loadFirstSightSets();
for (const set of sets.slice(0, -1)) fromCalls(set.calls, `first-sight set ${set.name}`, ['name', 'intent', 'disposition']);
if (answers.name.length < MIN_BLOCK) fromCalls(calls.filter((c) => c.split === 'dev'), 'the dev calls (optimistic: the rules were written from them)', ['name']);

const file: CalibrationFile = {
  fittedOn: { name: sources.name.join('; '), intent: sources.intent.join('; '), disposition: sources.disposition.join('; ') },
  maps: { name: isotonic(answers.name), intent: isotonic(answers.intent), disposition: isotonic(answers.disposition) },
};
writeFileSync(CALIBRATION_FILE, `${JSON.stringify({ $comment: 'Generated by relay/eval/calibrate.ts (npm run calibrate); do not edit.', ...file }, null, 2)}\n`);
for (const m of ['name', 'intent', 'disposition'] as const) {
  console.log(`${m}: ${answers[m].length} answers from ${sources[m].join('; ')}`);
  console.log(`  ${file.maps[m].map(([raw, p]) => `${raw.toFixed(3)} -> ${p.toFixed(2)}`).join(', ')}`);
}
process.exit(0);
