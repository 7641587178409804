// A piece of personal data found in a text: where it is, what kind, and its canonical value
// (digits for numbers, "john.smith@gmail.com" for "john dot smith at gmail dot com"). Values
// live only in memory; reports and logs carry counts.
import type { PiiType } from '../insights.ts';

export type Detection = {
  type: PiiType;
  start: number;
  end: number;
  /** Canonical form: E.164 for phones, digits for cards and SSNs, the written email, the name as said. */
  normalised: string;
  /** 0-1: how sure the detector is that this span is personal data of this type. */
  score: number;
};

/** The last few words before a position, lower-cased: the context that says what a number is. */
export function wordsBefore(text: string, position: number, count: number): string {
  const words = text.slice(Math.max(0, position - 80), position).toLowerCase().match(/[a-z']+/g) ?? [];
  return words.slice(-count).join(' ');
}
