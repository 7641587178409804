// Training the offline analyser's word models, shared by `npm run train:offline` (which writes
// them) and `npm run calibrate` (which trains them on one writer's calls to score another's).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { intentWords, outcomeWords, type WordModel } from '../src/analysis/offline/bayes.ts';
import { Direction, type Turn } from '../src/calls/model.ts';
import { Disposition, Intent } from '../src/taxonomy.ts';
import { loadCalls, loadFirstSightSets } from './evaluate.ts';

/** Add-alpha smoothing. 0.1 scored best across writers, against 0.05 to 1. */
const ALPHA = 0.1;

export type Example = { id: string; direction: Direction; intent: Intent; disposition: Disposition; turns: Turn[] };

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

export const trainIntent = (calls: Example[]) => train(Intent.options, calls.map((c) => ({ label: c.intent, counted: intentWords(c.turns, c.direction) })));
export const trainDisposition = (calls: Example[]) => train(Disposition.options, calls.map((c) => ({ label: c.disposition, counted: outcomeWords(c.turns, c.direction) })));

const asTurns = (turns: { speaker: 'agent' | 'caller'; text: string }[]): Turn[] => turns.map((t) => ({ ...t, startMs: null }));

/** The dev calls of calls.json. The holdout split is only ever measured: a model trained on it would be scored on what it learned. */
export function devExamples(): Example[] {
  return loadCalls()
    .filter((c) => c.split === 'dev')
    .map((c) => ({ id: c.id, direction: c.direction, intent: c.labels.intent, disposition: c.labels.disposition, turns: asTurns(c.turns) }));
}

/** The calls written only to train the word models. */
export function writtenExamples(): Example[] {
  return TrainingFile.parse(JSON.parse(readFileSync(new URL('./training-calls.json', import.meta.url), 'utf8'))).calls.map((c) => ({ ...c, turns: asTurns(c.turns) }));
}

/**
 * The calls of every first-sight set but the newest, once their first-sight measurement is
 * recorded: they were written by others and may train the models. The newest set stays
 * untouched, so the models can still be measured on calls they have not seen.
 */
export function firstSightExamples(): Example[] {
  return loadFirstSightSets()
    .slice(0, -1)
    .flatMap((set) => set.calls.map((c) => ({ id: `${set.name}:${c.id}`, direction: c.direction, intent: c.labels.intent, disposition: c.labels.disposition, turns: asTurns(c.turns) })));
}
