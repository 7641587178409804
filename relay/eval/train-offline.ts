// `npm run train:offline`: trains the offline analyser's word models (naive Bayes over words
// and word pairs), one for intent and one for disposition, on the labelled calls: calls.json
// and the calls written for training in training-calls.json. It writes intent-model.json and
// disposition-model.json next to relay/src/analysis/offline/bayes.ts.
//
// Before that it estimates how each model does on calls it has not seen, two ways:
// - across writers: a model trained on one file classifies the other, written by someone else
//   in another style;
// - 10-fold cross-validation over both files.
// Each line gives the model alone, the cues alone and both together. The cues were written
// looking at these calls, so the cue figures are optimistic; the model's are not. `--verbose`
// lists the calls where a model changes the cues' answer.
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { intentWords, outcomeWords, posterior, type WordModel } from '../src/analysis/offline/bayes.ts';
import { classifyDisposition, classifyIntent } from '../src/analysis/offline/classify.ts';
import { Direction, type Turn } from '../src/calls/model.ts';
import { Disposition, Intent } from '../src/taxonomy.ts';
import { loadCalls } from './evaluate.ts';

/** Add-alpha smoothing. 0.1 scored best across writers, against 0.05 to 1. */
const ALPHA = 0.1;
const FOLDS = 10;

type Example = { id: string; direction: Direction; intent: Intent; disposition: Disposition; turns: Turn[] };

const TrainingFile = z.object({
  calls: z.array(
    z.object({
      id: z.string(),
      direction: Direction,
      intent: Intent,
      disposition: Disposition,
      turns: z.array(z.object({ speaker: z.enum(['agent', 'caller']), text: z.string() })),
    }),
  ),
});

function train(labels: readonly string[], examples: { label: string; counted: Map<string, number> }[]): WordModel {
  const counts: Record<string, Record<string, number>> = {};
  const totals = labels.map(() => 0);
  for (const { label, counted } of examples) {
    const index = labels.indexOf(label);
    for (const [word, n] of counted) {
      const seen = (counts[word] ??= {});
      seen[index] = (seen[index] ?? 0) + n;
      totals[index]! += n;
    }
  }
  return { labels: [...labels], alpha: ALPHA, vocabulary: Object.keys(counts).length, totals, counts };
}

const trainIntent = (calls: Example[]) => train(Intent.options, calls.map((c) => ({ label: c.intent, counted: intentWords(c.turns, c.direction) })));
const trainDisposition = (calls: Example[]) => train(Disposition.options, calls.map((c) => ({ label: c.disposition, counted: outcomeWords(c.turns, c.direction) })));

type Tally = { model: number; cues: number; both: number };
const verbose = process.argv.includes('--verbose');
const best = (p: Map<string, number>) => [...p].sort((a, b) => b[1] - a[1])[0]?.[0];

/** Accuracy of each model alone, the cues alone and both, on `test`, with models trained on `trainOn`. */
function score(trainOn: Example[], test: Example[], tally = { intent: { model: 0, cues: 0, both: 0 }, disposition: { model: 0, cues: 0, both: 0 } }) {
  const intentModel = trainIntent(trainOn);
  const dispositionModel = trainDisposition(trainOn);
  for (const call of test) {
    const intent = { model: best(posterior(intentModel, intentWords(call.turns, call.direction))), cues: classifyIntent(call.turns, null, call.direction, null), both: classifyIntent(call.turns, null, call.direction, intentModel) };
    const disposition = {
      model: best(posterior(dispositionModel, outcomeWords(call.turns, call.direction))),
      cues: classifyDisposition(call.turns, intent.both, null, call.direction, null).value,
      both: classifyDisposition(call.turns, intent.both, null, call.direction, dispositionModel).value,
    };
    const count = (t: Tally, got: { model?: string; cues: string; both: string }, want: string, what: string) => {
      if (got.model === want) t.model++;
      if (got.cues === want) t.cues++;
      if (got.both === want) t.both++;
      if (verbose && got.cues !== got.both) console.log(`  ${call.id}: ${what} by cues ${got.cues}, with the model ${got.both}, labelled ${want}`);
    };
    count(tally.intent, { model: intent.model, cues: intent.cues.value, both: intent.both.value }, call.intent, 'intent');
    count(tally.disposition, disposition, call.disposition, 'disposition');
  }
  return tally;
}

function report(label: string, tally: ReturnType<typeof score>, n: number) {
  const pct = (k: number) => `${((k / n) * 100).toFixed(1)}%`;
  for (const what of ['intent', 'disposition'] as const) {
    const t = tally[what];
    console.log(`${label}, ${what} (${n} calls): model alone ${pct(t.model)}, cues alone ${pct(t.cues)}, cues and model ${pct(t.both)}`);
  }
}

const asTurns = (turns: { speaker: 'agent' | 'caller'; text: string }[]): Turn[] => turns.map((t) => ({ ...t, startMs: null }));
// The holdout split is only ever measured: a model trained on it would be scored on what it learned.
const labelled: Example[] = loadCalls()
  .filter((c) => c.split === 'dev')
  .map((c) => ({ id: c.id, direction: c.direction, intent: c.labels.intent, disposition: c.labels.disposition, turns: asTurns(c.turns) }));
const written: Example[] = TrainingFile.parse(JSON.parse(readFileSync(new URL('./training-calls.json', import.meta.url), 'utf8'))).calls.map((c) => ({ ...c, turns: asTurns(c.turns) }));
const all = [...labelled, ...written];

report('Trained on training-calls.json, scored on calls.json', score(written, labelled), labelled.length);
report('Trained on calls.json, scored on training-calls.json', score(labelled, written), written.length);
let folds: ReturnType<typeof score> | undefined;
for (let fold = 0; fold < FOLDS; fold++) folds = score(all.filter((_, i) => i % FOLDS !== fold), all.filter((_, i) => i % FOLDS === fold), folds);
report(`${FOLDS}-fold cross-validation`, folds!, all.length);

const round = (n: number) => Math.round(n * 100) / 100;
function write(name: string, model: WordModel) {
  const file = new URL(`../src/analysis/offline/${name}`, import.meta.url);
  const rows = Object.entries(model.counts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([word, seen]) => `    ${JSON.stringify(word)}: ${JSON.stringify(Object.fromEntries(Object.entries(seen).map(([i, n]) => [i, round(n)])))}`);
  const header = { labels: model.labels, alpha: model.alpha, vocabulary: model.vocabulary, totals: model.totals.map(round) };
  const head = Object.entries(header).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`).join('\n');
  writeFileSync(file, `{\n  "$comment": "Generated by relay/eval/train-offline.ts from relay/eval/calls.json and relay/eval/training-calls.json; do not edit.",\n${head}\n  "counts": {\n${rows.join(',\n')}\n  }\n}\n`);
  console.log(`Wrote ${model.vocabulary} words and word pairs to ${file.pathname}`);
}
write('intent-model.json', trainIntent(all));
write('disposition-model.json', trainDisposition(all));
