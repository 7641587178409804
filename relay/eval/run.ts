// `npm run eval`: prints redaction precision, recall and F2 per entity type, and intent,
// disposition, name and email accuracy of the offline analyser (and of the model analyser
// when OPENAI_API_KEY or Azure settings are present), then writes results.json.
import { writeFileSync } from 'node:fs';
import { createAnalyser, createOfflineAnalyser } from '../src/analysis/analyser.ts';
import { loadConfig } from '../src/config.ts';
import { evaluateAnalyser, evaluateRedaction, loadCalls, loadUtterances, type AnalyserScores } from './evaluate.ts';

const AIMS = { redactionF2: 0.95, offlineIntentAccuracy: 0.8 };
const verbose = process.argv.includes('--verbose');

const utterances = loadUtterances();
const calls = loadCalls();
const redaction = evaluateRedaction(utterances);
const offline = await evaluateAnalyser(createOfflineAnalyser(), calls);

const config = loadConfig();
const hasModel = Boolean(config.env.OPENAI_API_KEY || (config.env.AZURE_OPENAI_ENDPOINT && config.env.AZURE_OPENAI_API_KEY));
const llm = hasModel ? await evaluateAnalyser(createAnalyser(config), calls) : null;

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
console.log(`Redaction (${utterances.length} utterances, ${utterances.reduce((n, u) => n + u.entities.length, 0)} marked entities)`);
console.log('  type      precision  recall  F2     (tp/fp/fn)');
for (const [type, s] of [...Object.entries(redaction.byType), ['overall', redaction.overall] as const]) {
  if (!s) continue;
  console.log(`  ${type.padEnd(9)} ${pct(s.precision).padStart(9)}  ${pct(s.recall).padStart(6)}  ${s.f2.toFixed(3)}  (${s.truePositives}/${s.falsePositives}/${s.falseNegatives})`);
}
function printAnalyser(label: string, scores: AnalyserScores) {
  console.log(`${label} analyser (${scores.calls} calls)`);
  console.log(`  intent ${pct(scores.intentAccuracy)}  disposition ${pct(scores.dispositionAccuracy)}  name ${pct(scores.nameAccuracy)}  email ${pct(scores.emailAccuracy)}`);
  if (verbose) for (const miss of scores.misses) console.log(`    ${miss}`);
}
printAnalyser('Offline', offline);
if (llm) printAnalyser(`Model (${config.env.AZURE_OPENAI_DEPLOYMENT ?? config.env.OPENAI_MODEL})`, llm);
else console.log('Model analyser: not run (no OPENAI_API_KEY or Azure settings).');
if (verbose) for (const miss of redaction.misses) console.log(`  ${miss}`);

const met = { redactionF2: redaction.overall.f2 >= AIMS.redactionF2, offlineIntentAccuracy: offline.intentAccuracy >= AIMS.offlineIntentAccuracy };
console.log(`Aims: redaction F2 >= ${AIMS.redactionF2}: ${met.redactionF2 ? 'met' : 'MISSED'}; offline intent accuracy >= ${AIMS.offlineIntentAccuracy}: ${met.offlineIntentAccuracy ? 'met' : 'MISSED'}`);

const strip = ({ misses, ...scores }: AnalyserScores) => ({ ...scores, missCount: misses.length });
writeFileSync(
  new URL('./results.json', import.meta.url),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      aims: AIMS,
      met,
      redaction: { utterances: utterances.length, byType: redaction.byType, overall: redaction.overall, misses: redaction.misses },
      offline: { ...strip(offline), misses: offline.misses },
      llm: llm ? { model: config.env.AZURE_OPENAI_DEPLOYMENT ?? config.env.OPENAI_MODEL, ...strip(llm) } : null,
    },
    null,
    2,
  )}\n`,
);
