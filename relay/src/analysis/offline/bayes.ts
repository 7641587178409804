// Naive Bayes models over the words of a call, trained on the labelled calls by
// relay/eval/train-offline.ts: one for intent, one for disposition. Cue phrases only know the
// phrasings someone wrote down; a model knows which words go with which label across every
// labelled call, so it still has an opinion when a caller puts their need, or an agent the
// outcome, in words no cue has.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Direction, Turn } from '../../calls/model.ts';
import { Disposition, Intent } from '../../taxonomy.ts';

export const WordModel = z.object({
  labels: z.array(z.string()),
  /** Add-alpha smoothing: what a word never seen with a label counts as. */
  alpha: z.number().positive(),
  /** How many distinct words and word pairs the model knows. */
  vocabulary: z.number().int().positive(),
  /** Per label, in `labels` order, the weighted count of all words in its calls. */
  totals: z.array(z.number()),
  /** Per word or word pair, its weighted count in the calls of each label it was seen with, keyed by index into `labels`. */
  counts: z.record(z.string(), z.record(z.string(), z.number())),
});
export type WordModel = z.infer<typeof WordModel>;

type Spoken = Pick<Turn, 'speaker' | 'text'>;

/** Words and adjacent word pairs, lower-case, without digits or punctuation. */
function words(text: string): string[] {
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
 * What a call says about why it was made: the first two turns of each side count fully, later
 * ones half; on an inbound call the agent's words count less, since the caller says why they
 * called, while on an outbound call the agent states the purpose.
 */
export function intentWords(turns: Spoken[], direction: Direction): Map<string, number> {
  const counts = new Map<string, number>();
  const seen = { caller: 0, agent: 0 };
  for (const turn of turns) {
    const early = seen[turn.speaker]++ < 2 ? 1 : 0.5;
    const speaker = turn.speaker === 'caller' || direction === 'outbound' ? 1 : 0.3;
    for (const word of words(turn.text)) counts.set(word, (counts.get(word) ?? 0) + early * speaker);
  }
  return counts;
}

/**
 * What a call says about how it ended: who said which words (the agent's "I've booked you" is
 * not the caller's), the last three turns fully and earlier ones a little, and its shape: how
 * long it was, who spoke last, which way it went.
 */
export function outcomeWords(turns: Spoken[], direction: Direction): Map<string, number> {
  const counts = new Map<string, number>();
  turns.forEach((turn, index) => {
    const late = index >= turns.length - 3 ? 1 : 0.3;
    for (const word of words(turn.text)) {
      const key = `${turn.speaker === 'agent' ? 'a' : 'c'}:${word}`;
      counts.set(key, (counts.get(key) ?? 0) + late);
    }
  });
  counts.set(`turns:${Math.min(turns.length, 6)}`, 1);
  counts.set(`last:${turns.at(-1)?.speaker ?? 'none'}`, 1);
  counts.set(`direction:${direction}`, 1);
  return counts;
}

/** Probability of each label given the words, with every label equally likely up front. */
export function posterior<T extends string>(model: WordModel, counted: Map<string, number>): Map<T, number> {
  const denominators = model.totals.map((total) => total + model.alpha * model.vocabulary);
  const log = model.labels.map(() => 0);
  for (const [word, n] of counted) {
    const seen = model.counts[word];
    if (!seen) continue;
    for (let i = 0; i < log.length; i++) log[i]! += n * Math.log(((seen[i] ?? 0) + model.alpha) / denominators[i]!);
  }
  const top = Math.max(...log);
  const odds = log.map((l) => Math.exp(l - top));
  const total = odds.reduce((a, b) => a + b, 0);
  return new Map(model.labels.map((label, i) => [label as T, odds[i]! / total]));
}

function load(file: string, labels: z.ZodType<string>): WordModel {
  const model = WordModel.parse(JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')));
  z.array(labels).parse(model.labels);
  return model;
}

export const loadIntentModel = (): WordModel => load('./intent-model.json', Intent);
export const loadDispositionModel = (): WordModel => load('./disposition-model.json', Disposition);
