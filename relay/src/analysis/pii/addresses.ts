// Street addresses: a house number (written or spoken), one to three street-name words and a
// street type ("1420 Elm Street", "twelve forty north Maple Ave, apartment 3B"), then
// optionally a unit, city, state and ZIP. The street type is the anchor because transcripts
// are often lower-case, so capitalisation cannot be relied on.
import { findDigitRuns, type DigitRun } from './digit-runs.ts';
import type { Detection } from './entity.ts';

const STREET_TYPES =
  'street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl|square|sq|loop|alley|crescent|close|pike|row|plaza|run';
const STREET_TYPE = new RegExp(`\\b(?:${STREET_TYPES})\\b\\.?`, 'gi');
/** Words that never form part of a street name: they mean the number counts something else. */
const NOT_STREET_WORDS = new Set([
  'the', 'a', 'an', 'at', 'on', 'in', 'to', 'for', 'of', 'and', 'or', 'by', 'my', 'your', 'our', 'minutes', 'minute', 'hours', 'hour', 'days', 'day', 'weeks',
  'dollars', 'bucks', 'am', 'pm', 'a.m', 'p.m', "o'clock", 'people', 'times', 'percent', 'is', 'was', 'it', 'this', 'that', 'we', 'you', 'i', 'me', 'off', 'down', 'up',
  'just', 'about', 'over', 'from', 'with', 'all', 'be', 'go', 'get', 'got', 'one', 'out', 'other', 'same', 'next', 'last', 'per', 'each', 'more', 'less', 'no', 'any',
]);
const UNIT = /^,?\s*(?:apt|apartment|unit|suite|ste|#|number|no)\.?\s*#?\s*[A-Za-z0-9-]{1,6}\b/i;
const TOWN = /^,\s*(?:[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})(?:,?\s+(?:[A-Z]{2}|[A-Z][a-z]+))?(?:\s+\d{5}(?:-\d{4})?)?/;
const ZIP = /^,?\s+\d{5}(?:-\d{4})?\b/;
const PO_BOX = /\b(?:p\.?\s?o\.?\s?box|post office box)\s+\d+\b/gi;

/** How far back from a street type its name words are read: three words of any sane length. */
const LOOK_BACK = 120;

/** The last run that ends at or before \`position\` (runs are in text order and do not overlap). */
function runEndingBefore(runs: readonly DigitRun[], position: number): DigitRun | null {
  let [low, high] = [0, runs.length - 1];
  let found: DigitRun | null = null;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (runs[mid]!.end <= position) [found, low] = [runs[mid]!, mid + 1];
    else high = mid - 1;
  }
  return found;
}

/** The house number and street-name words before a street type at \`position\`, if any. */
function streetStart(text: string, position: number, runs: readonly DigitRun[]): DigitRun | null {
  const from = Math.max(0, position - LOOK_BACK);
  const before = [...text.slice(from, position).matchAll(/[A-Za-z0-9'.-]+/g)].reverse();
  for (let k = 1; k <= 3 && k <= before.length; k++) {
    const nameWords = before.slice(0, k);
    const nameStart = from + nameWords[k - 1]!.index;
    if (nameWords.some((w) => NOT_STREET_WORDS.has(w[0].toLowerCase().replace(/\.$/, '')))) return null;
    const run = runEndingBefore(runs, nameStart);
    if (run && /^\s+$/.test(text.slice(run.end, nameStart))) {
      // A number among the street-name words means the number before them counts something else.
      const inName = runEndingBefore(runs, position);
      return run.digits.length <= 6 && inName!.start < nameStart ? run : null;
    }
  }
  return null;
}

export function detectAddresses(text: string): Detection[] {
  const runs = findDigitRuns(text);
  const out: Detection[] = [];
  for (const match of text.matchAll(STREET_TYPE)) {
    const run = streetStart(text, match.index, runs);
    if (!run) continue;
    let end = match.index + match[0].length;
    for (const tail of [UNIT, TOWN, ZIP]) {
      const more = text.slice(end).match(tail);
      if (more) end += more[0].length;
    }
    const start = run.start;
    out.push({ type: 'address', start, end, normalised: text.slice(start, end).replace(/\s+/g, ' ').toLowerCase(), score: 0.85 });
  }
  for (const match of text.matchAll(PO_BOX)) {
    out.push({ type: 'address', start: match.index, end: match.index + match[0].length, normalised: match[0].toLowerCase(), score: 0.9 });
  }
  return out;
}
