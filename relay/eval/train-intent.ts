// `npm run train:intent`: trains the offline analyser's word model of intent (naive Bayes over
// words and word pairs) on the labelled calls, calls.json and the calls written for training
// in intent-training.json, and writes relay/src/analysis/offline/intent-model.json.
//
// Before that it estimates how the model does on calls it has not seen, two ways:
// - 10-fold cross-validation over all of them: each tenth is classified by a model trained on
//   the other nine tenths, by the model alone, the cues alone and both together;
// - across writers: a model trained on one file classifies the other, which was written by
//   someone else, in another style.
// The cues were written looking at these calls, so the cue figures here are optimistic; the
// model's are not. `--verbose` lists the calls where the model changes the cues' answer.
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { callWords, intentPosterior, type IntentModel } from '../src/analysis/offline/bayes.ts';
import { classifyIntent } from '../src/analysis/offline/classify.ts';
import { Direction } from '../src/calls/model.ts';
import { Intent } from '../src/taxonomy.ts';
import { loadCalls } from './evaluate.ts';

/** Add-alpha smoothing, and the fewest calls a word must appear in to be kept. */
const ALPHA = 0.5;
const MIN_CALLS = 2;
const FOLDS = 10;

type Example = { id: string; direction: Direction; intent: Intent; turns: { speaker: 'agent' | 'caller'; text: string }[] };

const TrainingFile = z.object({
  calls: z.array(z.object({ id: z.string(), direction: Direction, intent: Intent, turns: z.array(z.object({ speaker: z.enum(['agent', 'caller']), text: z.string() })) })),
});

function train(calls: Example[]): IntentModel {
  const intents = Intent.options;
  const perCall = calls.map((c) => callWords(c.turns, c.direction));
  const inCalls = new Map<string, number>();
  for (const counts of perCall) for (const word of counts.keys()) inCalls.set(word, (inCalls.get(word) ?? 0) + 1);
  const vocabulary = [...inCalls].filter(([, n]) => n >= MIN_CALLS).map(([w]) => w).sort();
  const kept = new Set(vocabulary);
  const counts = new Map(intents.map((i) => [i, new Map<string, number>()]));
  const totals = new Map(intents.map((i) => [i, 0]));
  calls.forEach((call, index) => {
    const own = counts.get(call.intent)!;
    for (const [word, n] of perCall[index]!) {
      if (!kept.has(word)) continue;
      own.set(word, (own.get(word) ?? 0) + n);
      totals.set(call.intent, totals.get(call.intent)! + n);
    }
  });
  const weights: Record<string, number[]> = {};
  for (const word of vocabulary) {
    weights[word] = intents.map((i) => Math.round(Math.log(((counts.get(i)!.get(word) ?? 0) + ALPHA) / (totals.get(i)! + ALPHA * vocabulary.length)) * 1000) / 1000);
  }
  return { intents: [...intents], weights };
}

const verbose = process.argv.includes('--verbose');

/** Accuracy of the model alone, the cues alone and both, on `test` with a model trained on `trainOn`. */
function score(trainOn: Example[], test: Example[], right = { model: 0, cues: 0, both: 0 }) {
  const model = train(trainOn);
  for (const call of test) {
    const turns = call.turns.map((t) => ({ ...t, startMs: null }));
    const posterior = [...intentPosterior(model, turns, call.direction)].sort((a, b) => b[1] - a[1]);
    const cues = classifyIntent(turns, null, call.direction, null).value;
    const both = classifyIntent(turns, null, call.direction, model).value;
    if (posterior[0]?.[0] === call.intent) right.model++;
    if (cues === call.intent) right.cues++;
    if (both === call.intent) right.both++;
    if (verbose && cues !== both) console.log(`  ${call.id}: cues ${cues}, cues and model ${both}, labelled ${call.intent}`);
  }
  return right;
}

function report(label: string, right: { model: number; cues: number; both: number }, n: number) {
  const pct = (k: number) => `${((k / n) * 100).toFixed(1)}%`;
  console.log(`${label} (${n} calls): model alone ${pct(right.model)}, cues alone ${pct(right.cues)}, cues and model ${pct(right.both)}`);
}

const labelled: Example[] = loadCalls().map((c) => ({ id: c.id, direction: c.direction, intent: c.labels.intent, turns: c.turns }));
const written: Example[] = TrainingFile.parse(JSON.parse(readFileSync(new URL('./intent-training.json', import.meta.url), 'utf8'))).calls;
const all = [...labelled, ...written];

const folds = { model: 0, cues: 0, both: 0 };
for (let fold = 0; fold < FOLDS; fold++) score(all.filter((_, i) => i % FOLDS !== fold), all.filter((_, i) => i % FOLDS === fold), folds);
report(`${FOLDS}-fold cross-validation`, folds, all.length);
report('Trained on intent-training.json, scored on calls.json', score(written, labelled), labelled.length);
report('Trained on calls.json, scored on intent-training.json', score(labelled, written), written.length);

const model = train(all);
const file = new URL('../src/analysis/offline/intent-model.json', import.meta.url);
const rows = Object.entries(model.weights).map(([word, w]) => `    ${JSON.stringify(word)}: ${JSON.stringify(w)}`);
writeFileSync(file, `{\n  "$comment": "Generated by relay/eval/train-intent.ts from relay/eval/calls.json and relay/eval/intent-training.json; do not edit.",\n  "intents": ${JSON.stringify(model.intents)},\n  "weights": {\n${rows.join(',\n')}\n  }\n}\n`);
console.log(`Wrote ${Object.keys(model.weights).length} words and word pairs to ${file.pathname}`);
