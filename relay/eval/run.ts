// `npm run eval`: prints redaction figures under the strict rule (the headline) and the overlap
// rule, the offline analyser's accuracy (and the model analyser's when OPENAI_API_KEY or Azure
// settings are present), their calibration, and the first-sight figures of every independent
// set with the date it was measured; then writes results.json.
//
// A set under first-sight/ that results.json holds no first-sight record for is measured now
// and that measurement is recorded, once: later runs print it as it was and never overwrite it,
// because only the first measurement says how the analyser does on calls it has never seen.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createAnalyser, createOfflineAnalyser, type Analyser } from '../src/analysis/analyser.ts';
import type { PiiType } from '../src/analysis/insights.ts';
import { loadConfig } from '../src/config.ts';
import {
  CALIBRATED,
  calibration,
  evaluateAnalyser,
  evaluateRedaction,
  loadCalls,
  loadFirstSightSets,
  loadUtterances,
  type AnalyserScores,
  type Calibration,
  type LabelledCall,
  type RedactionScores,
  type Utterance,
} from './evaluate.ts';

const AIMS = {
  strictF2: 0.95,
  /** Recall for the types whose leak does most harm. */
  recall: 0.95,
  recallTypes: ['name', 'phone', 'ssn', 'card'] as PiiType[],
  intentAccuracy: 0.9,
  dispositionAccuracy: 0.9,
  nameAccuracy: 0.9,
  /** Dev figure minus first-sight figure. */
  gap: 0.03,
  ece: 0.05,
};
const verbose = process.argv.includes('--verbose');
const print = (line = '') => console.log(line);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

type Group = { name: string; calls: LabelledCall[]; utterances: Utterance[] };
const utterances = loadUtterances();
const calls = loadCalls();
const sets = loadFirstSightSets();
const groups: Group[] = [
  { name: 'dev', calls: calls.filter((c) => c.split === 'dev'), utterances: utterances.filter((u) => u.split === 'dev') },
  { name: 'holdout', calls: calls.filter((c) => c.split === 'holdout'), utterances: utterances.filter((u) => u.split === 'holdout') },
  ...sets.map((s) => ({ name: `first-sight ${s.name}`, calls: s.calls, utterances: s.utterances })),
];

type Measured = { redaction: RedactionScores; offline: AnalyserScores };
const offlineAnalyser = createOfflineAnalyser();
const measured = new Map<string, Measured>();
for (const group of groups) measured.set(group.name, { redaction: evaluateRedaction(group.utterances), offline: await evaluateAnalyser(offlineAnalyser, group.calls) });

const config = loadConfig();
const hasModel = Boolean(config.env.OPENAI_API_KEY || (config.env.AZURE_OPENAI_ENDPOINT && config.env.AZURE_OPENAI_API_KEY));
const modelName = config.env.AZURE_OPENAI_DEPLOYMENT ?? config.env.OPENAI_MODEL;
const model: Analyser | null = hasModel ? createAnalyser(config) : null;
const llm = new Map<string, AnalyserScores>();
if (model) for (const group of groups) llm.set(group.name, await evaluateAnalyser(model, group.calls));

function printRedaction(name: string, group: Group, scores: RedactionScores) {
  print(`Redaction, ${name} (${group.utterances.length} utterances, ${group.utterances.reduce((n, u) => n + u.entities.length, 0)} marked entities)`);
  print('  type      strict: precision  recall  F2     (tp/fp/fn)   overlap: recall  F2');
  const rows = [...Object.keys(scores.strict.byType), 'overall'] as (PiiType | 'overall')[];
  for (const type of rows) {
    const s = type === 'overall' ? scores.strict.overall : scores.strict.byType[type]!;
    const o = type === 'overall' ? scores.overlap.overall : scores.overlap.byType[type]!;
    if (s.truePositives + s.falseNegatives + s.falsePositives === 0) continue;
    const counts = `(${s.truePositives}/${s.falsePositives}/${s.falseNegatives})`;
    print(`  ${type.padEnd(9)} ${pct(s.precision).padStart(17)}  ${pct(s.recall).padStart(6)}  ${s.f2.toFixed(3)}  ${counts.padEnd(12)} ${pct(o.recall).padStart(15)}  ${o.f2.toFixed(3)}`);
  }
  if (verbose) for (const miss of scores.misses) print(`    ${miss}`);
}

function printAnalyser(label: string, scores: AnalyserScores) {
  if (scores.calls === 0) return;
  const due = scores.dueAccuracy ? `  due date ${pct(scores.dueAccuracy.exact)} exact, ${pct(scores.dueAccuracy.sameDay)} same day (${scores.dueAccuracy.labelled} labelled)` : '';
  print(`${label} (${scores.calls} calls)`);
  print(`  intent ${pct(scores.intentAccuracy)}  disposition ${pct(scores.dispositionAccuracy)}  name ${pct(scores.nameAccuracy)}  email ${pct(scores.emailAccuracy)}${due}`);
  if (verbose) for (const miss of scores.misses) print(`    ${miss}`);
}

function calibrationOf(scores: AnalyserScores[]): Record<(typeof CALIBRATED)[number], Calibration> {
  return Object.fromEntries(CALIBRATED.map((what) => [what, calibration(scores.flatMap((s) => s.predictions[what]))])) as Record<(typeof CALIBRATED)[number], Calibration>;
}

function printCalibration(label: string, table: Record<string, Calibration>) {
  print(`Calibration, ${label}: confidence given against share right, per bin (aim: expected calibration error <= ${AIMS.ece})`);
  for (const [what, c] of Object.entries(table)) {
    print(`  ${what.padEnd(11)} ECE ${c.ece.toFixed(3)} over ${c.predictions} answers ${c.ece <= AIMS.ece ? '' : '(MISSED)'}`);
    for (const b of c.bins) print(`    ${b.from.toFixed(1)}-${b.to.toFixed(1)}: ${String(b.count).padStart(4)} answers, mean confidence ${b.confidence.toFixed(2)}, right ${pct(b.accuracy)}`);
  }
}

print('Redaction: an entity is found (strict) only when every letter and digit of it is under a placeholder; overlap counts a placeholder of its type touching it. A false positive is a placeholder over no labelled entity.');
for (const group of groups) printRedaction(group.name, group, measured.get(group.name)!.redaction);
print();
for (const group of groups) printAnalyser(`Offline analyser, ${group.name}`, measured.get(group.name)!.offline);
for (const group of groups) if (llm.has(group.name)) printAnalyser(`Model analyser (${modelName}), ${group.name}`, llm.get(group.name)!);
if (!model) print('Model analyser: not run (no OPENAI_API_KEY or Azure settings).');
print();
// Every first-sight set but the newest trains the word models and the calibration once its
// first sight is recorded, so only the holdout split and the newest set are out of sample.
const newest = sets.at(-1);
const heldOut = groups.filter((g) => g.name === 'holdout' || (newest && g.name === `first-sight ${newest.name}`));
const offlineCalibration = {
  labelled: calibrationOf(groups.map((g) => measured.get(g.name)!.offline)),
  heldOut: calibrationOf(heldOut.map((g) => measured.get(g.name)!.offline)),
};
printCalibration('offline analyser, every labelled call', offlineCalibration.labelled);
printCalibration(`offline analyser, calls it was not built from (the holdout split${newest ? ` and first-sight set ${newest.name}` : ''})`, offlineCalibration.heldOut);
const llmCalibration = model ? calibrationOf([...llm.values()]) : null;
if (llmCalibration) printCalibration(`model analyser (${modelName}), every labelled call`, llmCalibration);

// First sight: recorded once per set, never overwritten.
type FirstSight = {
  set: string;
  measured: string;
  received: string;
  summary: string | null;
  analyser: string;
  utterances: number;
  entities: number;
  calls: number;
  redaction: { strictF2: number; overlapF2: number; recall: Partial<Record<PiiType, number>> };
  offline: { intent: number; disposition: number; name: number; email: number; due: AnalyserScores['dueAccuracy']; ece: Record<string, number> };
  llm: { model: string; intent: number; disposition: number; name: number; email: number } | null;
};
const resultsFile = new URL('./results.json', import.meta.url);
const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { firstSight?: FirstSight[] }) : {};
const firstSight: FirstSight[] = [...(previous.firstSight ?? [])];
const commit = (() => {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
for (const set of sets) {
  if (firstSight.some((f) => f.set === set.name)) continue;
  const { redaction, offline } = measured.get(`first-sight ${set.name}`)!;
  const model = llm.get(`first-sight ${set.name}`);
  const table = calibrationOf([offline]);
  firstSight.push({
    set: set.name,
    measured: new Date().toISOString().slice(0, 10),
    received: set.received,
    summary: set.summary,
    analyser: commit,
    utterances: set.utterances.length,
    entities: set.utterances.reduce((n, u) => n + u.entities.length, 0),
    calls: set.calls.length,
    redaction: {
      strictF2: redaction.strict.overall.f2,
      overlapF2: redaction.overlap.overall.f2,
      recall: Object.fromEntries(Object.entries(redaction.strict.byType).filter(([, s]) => s.truePositives + s.falseNegatives > 0).map(([type, s]) => [type, s.recall])),
    },
    offline: {
      intent: offline.intentAccuracy,
      disposition: offline.dispositionAccuracy,
      name: offline.nameAccuracy,
      email: offline.emailAccuracy,
      due: offline.dueAccuracy,
      ece: Object.fromEntries(Object.entries(table).map(([what, c]) => [what, c.ece])),
    },
    llm: model ? { model: modelName, intent: model.intentAccuracy, disposition: model.dispositionAccuracy, name: model.nameAccuracy, email: model.emailAccuracy } : null,
  });
}

print();
print('First sight: each independent set as it measured the first time it was run, before anything was tuned on it');
if (firstSight.length === 0) print('  none yet');
for (const f of firstSight) {
  const recall = Object.entries(f.redaction.recall).map(([type, r]) => `${type} ${pct(r)}`).join(', ');
  print(`  set ${f.set}, measured ${f.measured} (received ${f.received}, analyser ${f.analyser}): ${f.utterances} utterances, ${f.entities} entities, ${f.calls} calls`);
  print(`    redaction strict F2 ${f.redaction.strictF2.toFixed(3)} (overlap ${f.redaction.overlapF2.toFixed(3)}); recall ${recall}`);
  const due = f.offline.due ? `, due date ${pct(f.offline.due.exact)} exact (${pct(f.offline.due.sameDay)} same day)` : '';
  print(`    offline: intent ${pct(f.offline.intent)}, disposition ${pct(f.offline.disposition)}, caller name ${pct(f.offline.name)}, email ${pct(f.offline.email)}${due}; ECE ${Object.entries(f.offline.ece).map(([w, e]) => `${w} ${e.toFixed(3)}`).join(', ')}`);
  if (f.llm) print(`    model ${f.llm.model}: intent ${pct(f.llm.intent)}, disposition ${pct(f.llm.disposition)}, caller name ${pct(f.llm.name)}, email ${pct(f.llm.email)}`);
}

// The aims are judged on the latest first-sight set: what a customer's calls would get.
const latest = firstSight.at(-1);
const dev = measured.get('dev')!;
const aims = latest
  ? {
      set: latest.set,
      strictF2: latest.redaction.strictF2 >= AIMS.strictF2,
      recall: Object.fromEntries(AIMS.recallTypes.filter((t) => latest.redaction.recall[t] !== undefined).map((t) => [t, latest.redaction.recall[t]! >= AIMS.recall])),
      intent: latest.offline.intent >= AIMS.intentAccuracy,
      disposition: latest.offline.disposition >= AIMS.dispositionAccuracy,
      name: latest.offline.name >= AIMS.nameAccuracy,
      gap: {
        redaction: dev.redaction.strict.overall.f2 - latest.redaction.strictF2 <= AIMS.gap,
        intent: dev.offline.intentAccuracy - latest.offline.intent <= AIMS.gap,
        disposition: dev.offline.dispositionAccuracy - latest.offline.disposition <= AIMS.gap,
        name: dev.offline.nameAccuracy - latest.offline.name <= AIMS.gap,
      },
      ece: Object.fromEntries(Object.entries(latest.offline.ece).map(([w, e]) => [w, e <= AIMS.ece])),
    }
  : null;
print();
if (aims) print(`Aims on first-sight set ${aims.set} (met = true): ${JSON.stringify({ ...aims, set: undefined })}`);
else print('Aims: no first-sight set measured yet.');

const figures = (name: string) => {
  const m = measured.get(name)!;
  return { redaction: { strict: m.redaction.strict, overlap: m.redaction.overlap }, offline: { ...m.offline, predictions: undefined, misses: m.offline.misses } };
};
writeFileSync(
  resultsFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      analyser: commit,
      aims: AIMS,
      met: aims,
      firstSight,
      current: Object.fromEntries(groups.map((g) => [g.name, figures(g.name)])),
      calibration: { offline: offlineCalibration, llm: llmCalibration },
      llm: model ? { model: modelName, ...Object.fromEntries([...llm].map(([name, s]) => [name, { ...s, predictions: undefined }])) } : null,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
