// `npm run eval`: prints redaction precision, recall and F2 per entity type, and intent,
// disposition, name and email accuracy of the offline analyser (and of the model analyser
// when OPENAI_API_KEY or Azure settings are present), then writes results.json.
import { writeFileSync } from 'node:fs';
import { createAnalyser, createOfflineAnalyser } from '../src/analysis/analyser.ts';
import { loadConfig } from '../src/config.ts';
import { evaluateAnalyser, evaluateRedaction, loadCalls, loadUtterances, type AnalyserScores, type RedactionScores, type Split } from './evaluate.ts';

const AIMS = { redactionF2: 0.95, offlineIntentAccuracy: 0.8 };
const verbose = process.argv.includes('--verbose');

const utterances = loadUtterances();
const calls = loadCalls();
const splits: (Split | 'all')[] = ['dev', 'holdout', 'all'];
const inSplit = <T extends { split: Split }>(items: T[], split: Split | 'all') => items.filter((i) => split === 'all' || i.split === split);

const redaction = Object.fromEntries(splits.map((split) => [split, evaluateRedaction(inSplit(utterances, split))])) as Record<Split | 'all', RedactionScores>;
const offline: Record<string, AnalyserScores> = {};
for (const split of splits) offline[split] = await evaluateAnalyser(createOfflineAnalyser(), inSplit(calls, split));

const config = loadConfig();
const hasModel = Boolean(config.env.OPENAI_API_KEY || (config.env.AZURE_OPENAI_ENDPOINT && config.env.AZURE_OPENAI_API_KEY));
const llm = hasModel ? await evaluateAnalyser(createAnalyser(config), calls) : null;

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
for (const split of splits) {
  const set = inSplit(utterances, split);
  const scores = redaction[split];
  console.log(`Redaction, ${split} (${set.length} utterances, ${set.reduce((n, u) => n + u.entities.length, 0)} marked entities)`);
  console.log('  type      precision  recall  F2     (tp/fp/fn)');
  for (const [type, s] of [...Object.entries(scores.byType), ['overall', scores.overall] as const]) {
    if (!s) continue;
    console.log(`  ${type.padEnd(9)} ${pct(s.precision).padStart(9)}  ${pct(s.recall).padStart(6)}  ${s.f2.toFixed(3)}  (${s.truePositives}/${s.falsePositives}/${s.falseNegatives})`);
  }
  if (verbose) for (const miss of scores.misses) console.log(`    ${miss}`);
}
function printAnalyser(label: string, scores: AnalyserScores) {
  console.log(`${label} (${scores.calls} calls)`);
  console.log(`  intent ${pct(scores.intentAccuracy)}  disposition ${pct(scores.dispositionAccuracy)}  name ${pct(scores.nameAccuracy)}  email ${pct(scores.emailAccuracy)}`);
  if (verbose) for (const miss of scores.misses) console.log(`    ${miss}`);
}
for (const split of splits) printAnalyser(`Offline analyser, ${split}`, offline[split]!);
if (llm) printAnalyser(`Model analyser (${config.env.AZURE_OPENAI_DEPLOYMENT ?? config.env.OPENAI_MODEL}), all`, llm);
else console.log('Model analyser: not run (no OPENAI_API_KEY or Azure settings).');

const met = Object.fromEntries(
  splits.map((split) => [split, { redactionF2: redaction[split].overall.f2 >= AIMS.redactionF2, offlineIntentAccuracy: offline[split]!.intentAccuracy >= AIMS.offlineIntentAccuracy }]),
);
for (const split of splits) {
  const m = met[split]!;
  console.log(`Aims (${split}): redaction F2 >= ${AIMS.redactionF2}: ${m.redactionF2 ? 'met' : 'MISSED'}; offline intent accuracy >= ${AIMS.offlineIntentAccuracy}: ${m.offlineIntentAccuracy ? 'met' : 'MISSED'}`);
}

writeFileSync(
  new URL('./results.json', import.meta.url),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      aims: AIMS,
      met,
      redaction,
      offline,
      llm: llm ? { model: config.env.AZURE_OPENAI_DEPLOYMENT ?? config.env.OPENAI_MODEL, ...llm } : null,
    },
    null,
    2,
  )}\n`,
);
