// Sentence boundaries in transcribed speech: a full stop, question or exclamation mark that
// is not part of "a.m.", "Dr." or "4.5", so a quoted sentence is never cut off mid-way.
const ABBREVIATIONS = /\b(?:a\.m|p\.m|[ap]|dr|mr|mrs|ms|st|ave|apt|no|vs|etc|inc|jr|sr|e\.g|i\.e)$/i;

export type Sentence = { start: number; end: number; text: string };

export function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  for (const match of text.matchAll(/[.!?]+(?=\s|$)/g)) {
    const before = text.slice(start, match.index);
    // Only the last few characters can be an abbreviation; testing the whole sentence so far
    // would read a long run of "Dr." and "a.m." again at every full stop.
    if (match[0] === '.' && ABBREVIATIONS.test(text.slice(Math.max(start, match.index - 6), match.index))) continue;
    const end = match.index + match[0].length;
    if (before.trim()) out.push({ start, end, text: text.slice(start, end).trim() });
    start = end;
  }
  if (text.slice(start).trim()) out.push({ start, end: text.length, text: text.slice(start).trim() });
  return out;
}

/** The sentence containing position `index`. */
export function sentenceAround(text: string, index: number): string {
  return sentences(text).find((s) => index < s.end)?.text ?? text.trim();
}
