// Finds runs of digits in text whether they were written ("555-123-4567") or spoken and
// transcribed word by word ("five five five, one two three four", "oh" for zero, "double
// five", "twelve thirty four", "eight hundred"). Speech-to-text output mixes both, often in
// one number, so phone, card and SSN detection all start from these runs.

export type DigitRun = {
  start: number;
  end: number;
  digits: string;
  /** How many number words (not numerals) the run contains: spoken numbers carry no grouping. */
  spokenWords: number;
  /** Digit group lengths in the order they appear, e.g. [3, 3, 4] for "555-123-4567". */
  groups: number[];
  /** A "+" directly before the run: an international number. */
  plus: boolean;
};

const UNITS: Record<string, string> = {
  zero: '0', oh: '0', o: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  // Spanish, for callers who switch language to read a number.
  cero: '0', dos: '2', tres: '3', cuatro: '4', cinco: '5', seis: '6', siete: '7', ocho: '8', nueve: '9',
};
const TEENS: Record<string, string> = {
  ten: '10', eleven: '11', twelve: '12', thirteen: '13', fourteen: '14', fifteen: '15', sixteen: '16', seventeen: '17', eighteen: '18', nineteen: '19',
};
const TENS: Record<string, string> = { twenty: '2', thirty: '3', forty: '4', fifty: '5', sixty: '6', seventy: '7', eighty: '8', ninety: '9' };
const REPEAT: Record<string, number> = { double: 2, triple: 3 };

/**
 * Words said inside a number that are not part of it: hesitations, the dashes people read out,
 * "area code ... then", and self-corrections ("eight- sorry, eight one nine"). The whole span
 * is still covered, so nothing of the number is left in the text.
 */
const FILLERS = new Set(['um', 'umm', 'uh', 'uhh', 'uhm', 'er', 'erm', 'ah', 'hmm', 'mm', 'like', 'so', 'dash', 'hyphen', 'then', 'and', 'area', 'code', 'you', 'know', 'sorry', 'wait', 'no', 'is']);

/** Characters that may sit between the parts of one number without ending it. */
const JOINER = /^[\s,.\-()]*$/;

type Token = { start: number; end: number; text: string; lower: string };

function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const match of text.matchAll(/[A-Za-z]+|\d+[A-Za-z]*/g)) {
    const start = match.index;
    out.push({ start, end: start + match[0].length, text: match[0], lower: match[0].toLowerCase() });
  }
  return out;
}

/** The digits one token (or token pair, for "forty two" / "double five") stands for. */
function read(list: Token[], i: number, text: string): { digits: string; used: number; spoken: boolean } | null {
  const token = list[i];
  if (!token) return null;
  if (/^\d+$/.test(token.text)) return { digits: token.text, used: 1, spoken: false };
  const next = list[i + 1];
  const adjacent = next !== undefined && JOINER.test(text.slice(token.end, next.start)) && !/[.,]/.test(text.slice(token.end, next.start));
  const repeat = REPEAT[token.lower];
  if (repeat && next && adjacent) {
    const unit = UNITS[next.lower] ?? (/^\d$/.test(next.text) ? next.text : undefined);
    if (unit) return { digits: unit.repeat(repeat), used: 2, spoken: true };
    return null;
  }
  const tens = TENS[token.lower];
  if (tens) {
    const unit = next && adjacent ? UNITS[next.lower] : undefined;
    if (unit && unit !== '0' && next && next.lower !== 'oh' && next.lower !== 'o') return { digits: tens + unit, used: 2, spoken: true };
    return { digits: `${tens}0`, used: 1, spoken: true };
  }
  const teen = TEENS[token.lower];
  if (teen) return { digits: teen, used: 1, spoken: true };
  const unit = UNITS[token.lower];
  if (unit !== undefined) {
    // "a hundred"-style multipliers only ever follow a single spoken digit in phone numbers
    // ("one eight hundred ..."), so "hundred" is folded into that digit here.
    if (next && adjacent && next.lower === 'hundred') return { digits: `${unit}00`, used: 2, spoken: true };
    return { digits: unit, used: 1, spoken: true };
  }
  return null;
}

/** "oh" and "o" are zero only inside a number: "Oh, five five five" starts with an exclamation. */
function isLoneLetterO(list: Token[], i: number, text: string, runLength: number): boolean {
  const token = list[i];
  if (!token || (token.lower !== 'oh' && token.lower !== 'o')) return false;
  if (runLength > 0) return false;
  const next = list[i + 1];
  if (!next) return true;
  const between = text.slice(token.end, next.start);
  if (/[,!?]/.test(between)) return true;
  return read(list, i + 1, text) === null;
}

/** The last text read and its runs: phones, cards and addresses all ask for the same text's runs in turn. */
let last: { text: string; runs: readonly DigitRun[] } | null = null;

/** The runs of a text; callers must not change them (they are shared with the next caller). */
export function findDigitRuns(text: string): readonly DigitRun[] {
  if (last?.text === text) return last.runs;
  const runs = readDigitRuns(text);
  last = { text, runs };
  return runs;
}

function readDigitRuns(text: string): DigitRun[] {
  const list = tokens(text);
  const runs: DigitRun[] = [];
  let current: DigitRun | null = null;
  let lastEnd = -1;
  for (let i = 0; i < list.length; ) {
    const token = list[i]!;
    // "five five five, uh, one two three": a filler between two parts of a number does not end it.
    if (current && FILLERS.has(token.lower) && JOINER.test(text.slice(lastEnd, token.start)) && list[i + 1] && read(list, i + 1, text)) {
      lastEnd = token.end;
      i += 1;
      continue;
    }
    const value: ReturnType<typeof read> = isLoneLetterO(list, i, text, current ? current.digits.length : 0) ? null : read(list, i, text);
    const joined = current !== null && JOINER.test(text.slice(lastEnd, token.start));
    if (value && current && joined) {
      const gap = text.slice(lastEnd, token.start);
      // A new written group starts after a separator; spoken digits are one group per word.
      if (value.spoken || /[\s,.\-()]/.test(gap)) current.groups.push(value.digits.length);
      else current.groups[current.groups.length - 1]! += value.digits.length;
      current.digits += value.digits;
      current.spokenWords += value.spoken ? value.used : 0;
      current.end = list[i + value.used - 1]!.end;
    } else if (value) {
      if (current) runs.push(current);
      const signed = text.slice(Math.max(0, token.start - 6), token.start).match(/(?:\+|\bplus)\s*$/i);
      const plus = signed !== null;
      current = {
        start: signed ? token.start - signed[0].length : token.start,
        end: list[i + value.used - 1]!.end,
        digits: value.digits,
        spokenWords: value.spoken ? value.used : 0,
        groups: [value.digits.length],
        plus,
      };
    } else if (current) {
      runs.push(current);
      current = null;
    }
    const used = value?.used ?? 1;
    lastEnd = list[i + used - 1]!.end;
    i += used;
  }
  if (current) runs.push(current);
  return runs;
}
