// Street addresses: a house number (written or spoken), one to three street-name words and a
// street type ("1420 Elm Street", "twelve forty north Maple Ave, apartment 3B"), then
// optionally a unit, city, state and ZIP. The street type is the anchor because transcripts
// are often lower-case, so capitalisation cannot be relied on.
import { findDigitRuns, type DigitRun } from './digit-runs.ts';
import type { Detection } from './entity.ts';

const STREET_TYPES =
  'street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl|square|sq|loop|alley|crescent|close|pike|row|plaza|run';
/** A unit after the street name also anchors an address said without a street type: "2201 east camelback suite 110". */
const STREET_TYPE = new RegExp(`\\b(?:${STREET_TYPES}|suite|apartment|apt|unit)\\b\\.?`, 'gi');
/** Words that never form part of a street name: they mean the number counts something else. */
const NOT_STREET_WORDS = new Set([
  'the', 'a', 'an', 'at', 'on', 'in', 'to', 'for', 'of', 'and', 'or', 'by', 'my', 'your', 'our', 'minutes', 'minute', 'hours', 'hour', 'days', 'day', 'weeks',
  'dollars', 'bucks', 'am', 'pm', 'a.m', 'p.m', "o'clock", 'people', 'times', 'percent', 'is', 'was', 'it', 'this', 'that', 'we', 'you', 'i', 'me', 'off', 'down', 'up',
  'just', 'about', 'over', 'from', 'with', 'all', 'be', 'go', 'get', 'got', 'one', 'out', 'other', 'same', 'next', 'last', 'per', 'each', 'more', 'less', 'no', 'any',
]);
const PO_BOX = /\b(?:p\.?\s?o\.?\s?box|post office box)\s+\d+\b/gi;

const ORDINAL_AFTER = /^[\s-]+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b/i;

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
    if (run && ORDINAL_AFTER.test(text.slice(run.end, run.end + 12))) continue;
    if (run && /^\s+$/.test(text.slice(run.end, nameStart))) {
      // A number among the street-name words means the number before them counts something else.
      const inName = runEndingBefore(runs, position);
      // "fifty sixth street": a number that is an ordinal's first part belongs to the name.
      const ordinal = inName !== run && ORDINAL_AFTER.test(text.slice(inName!.end, inName!.end + 12));
      return run.digits.length <= 6 && (inName!.start < nameStart || ordinal) ? run : null;
    }
  }
  return null;
}

const STATES =
  'alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|washington|west virginia|wisconsin|wyoming|ontario|quebec|québec|british columbia|alberta';
const STATE = new RegExp(String.raw`^(?:(?:${STATES})\b|[A-Z]{2}\b)`, 'i');
/** Hesitations and commas between the parts of an address; bounded, as it is read after every street. */
const TAIL_GAP = /^(?:[\s,.]+|\b(?:um+|uh+|er|like)\b){0,8}/i;
const UNIT_WORD = /^(?:apt|apartment|unit|suite|ste|lot|number|no|#|floor|fl|building|bldg|space)\.?\s*#?\s*/i;
const UNIT_VALUE = /^[A-Za-z0-9-]{1,6}\b(?:\s+as\s+in\s+\p{L}+)?/u;
const TOWN_WORD = /^\p{L}[\p{L}'’-]*/u;
/** Words that end an address rather than name its town. */
const NOT_TOWN = new Set([
  ...NOT_STREET_WORDS, 'its', "it's", 'is', 'and', "that's", 'thats', 'which', 'where', 'but', 'so', 'then', 'yes', 'yeah', 'okay', 'ok', 'please', 'thanks', 'thank',
  'he', 'she', 'they', 'we', 'there', 'here', 'near', 'behind', 'next', 'across', 'right', 'correct', 'sorry', 'wait', 'um', 'uh', 'if', 'when', 'can', 'could', 'would',
  'will', 'should', 'do', 'does', 'did', 'have', 'has', 'had', 'blue', 'red', 'white', 'house', 'home', 'building', 'corner', 'side', 'back', 'front', 'unit',
]);

/** The run that starts exactly at \`position\`, if any (runs are in text order). */
function runAt(runs: readonly DigitRun[], position: number): DigitRun | null {
  let [low, high] = [0, runs.length - 1];
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (runs[mid]!.start === position) return runs[mid]!;
    if (runs[mid]!.start < position) low = mid + 1;
    else high = mid - 1;
  }
  return null;
}

/**
 * The end of what follows a street as part of its address, written or said in words: units
 * ("apartment twelve c", "Unit B as in boy", "lot 22"), a town of up to three words, a state,
 * a ZIP ("nine four oh one five"). A town word counts when capitalised or when a state or ZIP
 * follows it; the address ends at the first word that is none of these.
 */
function tailEnd(text: string, end: number, runs: readonly DigitRun[]): number {
  let townWords = 0;
  for (let step = 0; step < 8; step++) {
    const at = end + (text.slice(end, end + 40).match(TAIL_GAP)?.[0].length ?? 0);
    const rest = text.slice(at, at + 80);
    const unit = rest.match(UNIT_WORD);
    if (unit) {
      const valueAt = at + unit[0].length;
      const run = runAt(runs, valueAt);
      const value = run ? null : text.slice(valueAt, valueAt + 30).match(UNIT_VALUE);
      // "no" and "number" name a unit only before a number: "number 3", not "no wait".
      const numbered = run !== null || (value !== null && /\d/.test(value[0]));
      if (numbered || (value && !/^(?:no|number)\b/i.test(unit[0]))) {
        end = run ? run.end : valueAt + value![0].length;
        const letter = text.slice(end, end + 20).match(/^\s+[A-Za-z]\b(?:\s+as\s+in\s+\p{L}+)?/u);
        if (letter && !/^\s+[ai]\b/i.test(letter[0])) end += letter[0].length;
        continue;
      }
    }
    const zip = runAt(runs, at);
    if (zip) {
      if (zip.digits.length === 5 || zip.digits.length === 9) end = zip.end;
      break;
    }
    const state = rest.match(STATE);
    if (state && (state[0].length > 2 || /^[A-Z]{2}$/.test(state[0]))) {
      end = at + state[0].length;
      continue;
    }
    const word = rest.match(TOWN_WORD);
    if (!word || townWords >= 3 || NOT_TOWN.has(word[0].toLowerCase())) break;
    const ahead = text.slice(at + word[0].length, at + word[0].length + 60);
    const stateOrZipFollows = new RegExp(String.raw`^(?:[\s,]+\p{L}+){0,2}[\s,]+(?:(?:${STATES})\b|[A-Z]{2}\b|\d{5}\b|(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\s)`, 'iu').test(ahead);
    if (!(/^\p{Lu}/u.test(word[0]) || stateOrZipFollows)) break;
    end = at + word[0].length;
    townWords += 1;
  }
  return end;
}

export function detectAddresses(text: string): Detection[] {
  const runs = findDigitRuns(text);
  const out: Detection[] = [];
  for (const match of text.matchAll(STREET_TYPE)) {
    const run = streetStart(text, match.index, runs);
    if (!run) continue;
    // A unit word as the anchor is read again as the address's first tail part.
    const anchorIsUnit = /^(?:suite|apartment|apt|unit)\b/i.test(match[0]);
    const end = tailEnd(text, anchorIsUnit ? match.index : match.index + match[0].length, runs);
    const start = run.start;
    out.push({ type: 'address', start, end, normalised: text.slice(start, end).replace(/\s+/g, ' ').toLowerCase(), score: 0.85 });
  }
  for (const match of text.matchAll(PO_BOX)) {
    out.push({ type: 'address', start: match.index, end: match.index + match[0].length, normalised: match[0].toLowerCase(), score: 0.9 });
  }
  return out;
}
