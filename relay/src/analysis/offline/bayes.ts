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
  /** Per word or word pair, the log-likelihood of it under each intent, in `intents` order. */
  weights: z.record(z.string(), z.array(z.number())),
});
export type IntentModel = z.infer<typeof IntentModel>;

/** Words too common to say anything about why someone called. */
const STOP = new Set(
  'the a an and or but to of in on at for is it i you we my your our me us this that be are was were so um uh like yeah hi hello just do with have has can if there they he she them his her thanks thank okay ok oh well'.split(' '),
);

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
    if (!STOP.has(w[i]!)) out.push(w[i]!);
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
  const log = model.intents.map(() => 0);
  for (const [word, n] of callWords(turns, direction)) {
    const w = model.weights[word];
    if (w) for (let i = 0; i < log.length; i++) log[i]! += n * w[i]!;
  }
  const top = Math.max(...log);
  const odds = log.map((l) => Math.exp(l - top));
  const total = odds.reduce((a, b) => a + b, 0);
  return new Map(model.intents.map((intent, i) => [intent, odds[i]! / total]));
}

export function loadIntentModel(): IntentModel {
  return IntentModel.parse(JSON.parse(readFileSync(new URL('./intent-model.json', import.meta.url), 'utf8')));
}
