// A naive Bayes model of intent over the words of a call, trained on the labelled calls by
// relay/eval/train-intent.ts. Cue phrases only know the phrasings someone wrote down; the
// model knows which words go with which intent across every labelled call, so it still has an
// opinion when a caller puts their need in words no cue has.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Direction, Turn } from '../../calls/model.ts';
import { Intent } from '../../taxonomy.ts';

export const IntentModel = z.object({
  intents: z.array(Intent),
  /** Add-alpha smoothing: what a word never seen with an intent counts as. */
  alpha: z.number().positive(),
  /** How many distinct words and word pairs the model knows. */
  vocabulary: z.number().int().positive(),
  /** Per intent, in `intents` order, the weighted count of all words in its calls. */
  totals: z.array(z.number()),
  /** Per word or word pair, its weighted count in the calls of each intent it was seen with, keyed by index into `intents`. */
  counts: z.record(z.string(), z.record(z.string(), z.number())),
});
export type IntentModel = z.infer<typeof IntentModel>;

/** Words and adjacent word pairs, lower-case, without digits or punctuation. */
export function words(text: string): string[] {
  const w = text
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((x) => x.replace(/'/g, ''));
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) {
    out.push(w[i]!);
    if (i + 1 < w.length) out.push(`${w[i]}_${w[i + 1]}`);
  }
  return out;
}

/**
 * How often each word counts in a call: the first two turns of each side count fully, later
 * ones half; on an inbound call the agent's words count less, since the caller says why they
 * called, while on an outbound call the agent states the purpose.
 */
export function callWords(turns: Pick<Turn, 'speaker' | 'text'>[], direction: Direction): Map<string, number> {
  const counts = new Map<string, number>();
  const seen = { caller: 0, agent: 0 };
  for (const turn of turns) {
    const early = seen[turn.speaker]++ < 2 ? 1 : 0.5;
    const speaker = turn.speaker === 'caller' || direction === 'outbound' ? 1 : 0.3;
    for (const word of words(turn.text)) counts.set(word, (counts.get(word) ?? 0) + early * speaker);
  }
  return counts;
}

/** Probability of each intent given the call's words, with every intent equally likely up front. */
export function intentPosterior(model: IntentModel, turns: Pick<Turn, 'speaker' | 'text'>[], direction: Direction): Map<Intent, number> {
  const denominators = model.totals.map((total) => total + model.alpha * model.vocabulary);
  const log = model.intents.map(() => 0);
  for (const [word, n] of callWords(turns, direction)) {
    const seen = model.counts[word];
    if (!seen) continue;
    for (let i = 0; i < log.length; i++) log[i]! += n * Math.log(((seen[i] ?? 0) + model.alpha) / denominators[i]!);
  }
  const top = Math.max(...log);
  const odds = log.map((l) => Math.exp(l - top));
  const total = odds.reduce((a, b) => a + b, 0);
  return new Map(model.intents.map((intent, i) => [intent, odds[i]! / total]));
}

export function loadIntentModel(): IntentModel {
  return IntentModel.parse(JSON.parse(readFileSync(new URL('./intent-model.json', import.meta.url), 'utf8')));
}
