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

const STATES =
  'alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|washington|west virginia|wisconsin|wyoming';
/** A town of one to three words and a state said in full, in any case: "springfield illinois", "san jose, california". */
const SPOKEN_TOWN = new RegExp(String.raw`^,?\s+(?:[A-Za-z]+\s+){0,2}[A-Za-z]+,?\s+(?:${STATES})\b`, 'i');
const SPOKEN_UNIT = /^,?\s*(?:apt|apartment|unit|suite|ste|number|no)\.?\s+/i;

/** The end of a unit said in words after the street ("apartment four b", "unit twelve"), or \`end\` if none. */
function spokenUnit(text: string, end: number, runs: readonly DigitRun[]): number {
  const keyword = text.slice(end, end + 20).match(SPOKEN_UNIT);
  const run = keyword ? runEndingBefore(runs, end + keyword[0].length + 40) : null;
  if (!keyword || !run || run.start !== end + keyword[0].length) return end;
  const letter = text.slice(run.end, run.end + 3).match(/^\s+[A-Za-z]\b/);
  return run.end + (letter ? letter[0].length : 0);
}

/** The end of a town, state and ZIP said in words after the street, or \`end\` if none. */
function spokenTown(text: string, end: number, runs: readonly DigitRun[]): number {
  const town = text.slice(end, end + 80).match(SPOKEN_TOWN);
  if (!town) return end;
  const after = end + town[0].length;
  const zip = runEndingBefore(runs, after + 60);
  const zipFollows = zip && zip.start > after && /^[\s,]+$/.test(text.slice(after, zip.start)) && (zip.digits.length === 5 || zip.digits.length === 9);
  return zipFollows ? zip.end : after;
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
      // Speech-to-text spells what follows out: "apartment four b", "springfield illinois six two seven oh four".
      if (tail === UNIT) end = spokenUnit(text, end, runs);
      if (tail === TOWN && !more) end = spokenTown(text, end, runs);
    }
    const start = run.start;
    out.push({ type: 'address', start, end, normalised: text.slice(start, end).replace(/\s+/g, ' ').toLowerCase(), score: 0.85 });
  }
  for (const match of text.matchAll(PO_BOX)) {
    out.push({ type: 'address', start: match.index, end: match.index + match[0].length, normalised: match[0].toLowerCase(), score: 0.9 });
  }
  return out;
}
