// Email addresses, written ("maria.g@example.com") or spoken and transcribed ("john dot smith
// at gmail dot com", "j smith eighty seven at yahoo dot com", "priya underscore p at
// acme dash corp dot co dot uk"). A spoken address is anchored on "at" followed by a domain
// that ends in a known top-level domain, then read backwards for the local part.
import { findDigitRuns } from './digit-runs.ts';
import type { Detection } from './entity.ts';

/** RFC 5321 limits: a local part is at most 64 characters, a domain at most 255. */
const LOCAL_MAX = 64;
const DOMAIN_MAX = 255;
const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;
/** A domain at the start of a bounded piece of text: labels joined by dots, ending in letters. */
const DOMAIN = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

/**
 * Written addresses, found from each "@" outwards over at most the lengths an address may
 * have, so the work is linear in the text (a pattern run from every letter would read a long
 * word once per letter in it).
 */
function written(text: string): Detection[] {
  const out: Detection[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < LOCAL_MAX && LOCAL_CHAR.test(text[start - 1]!)) start--;
    // The local part starts with a letter or digit.
    while (start < at && !/[A-Za-z0-9]/.test(text[start]!)) start++;
    if (start === at) continue;
    let end = at + 1;
    while (end < text.length && end - at <= DOMAIN_MAX && DOMAIN_CHAR.test(text[end]!)) end++;
    const domain = text.slice(at + 1, end).match(DOMAIN);
    if (!domain) continue;
    const value = text.slice(start, at + 1 + domain[0].length);
    out.push({ type: 'email', start, end: start + value.length, normalised: value.toLowerCase(), score: 0.99 });
  }
  return out;
}

const TLDS = new Set([
  'com', 'net', 'org', 'edu', 'gov', 'io', 'co', 'us', 'uk', 'ca', 'au', 'de', 'fr', 'es', 'mx', 'in', 'info', 'biz', 'me', 'ai', 'app', 'dev', 'health', 'law', 'nz', 'ie',
  'ru', 'pl', 'ua', 'br', 'ar', 'it', 'nl', 'be', 'ch', 'at', 'se', 'dk', 'fi', 'pt', 'gr', 'ro', 'cz', 'jp', 'cn', 'kr', 'vn', 'ph', 'sg', 'za', 'ng', 'ke', 'gh', 'et', 'pk', 'bd', 'tr', 'il', 'ae',
]);
const DOT_WORDS = new Set(['dot', 'period', 'point']);
const JOIN_WORDS: Record<string, string> = { underscore: '_', dash: '-', hyphen: '-' };
/** Words that end a spoken local part when reading backwards from "at". */
/** Words about how an address is written, said between it and "at". */
const ASIDE = new Set(['all', 'one', 'word', 'together', 'no', 'apostrophe', 'lowercase', 'lower', 'case', 'spaces', 'space', 'dots', 'numbers']);
const STOP = new Set([
  "email's", 'emails',
  'is', 'my', 'email', 'e', 'mail', 'address', 'its', "it's", 'that', "that's", 'thats', 'the', 'it', 'at', 'to', 'me', 'send', 'and', 'or', 'use', 'try', 'sure',
  'yes', 'yeah', 'okay', 'ok', 'um', 'uh', 'so', 'well', 'was', 'be', 'would', 'could', 'us', 'you', 'your', 'reach', 'contact', 'under', 'on', 'file', 'i', "i'm", 'im',
  'just', 'still', 'have', 'got', 'one', 'word', 'all', 'lowercase', 'with', 'new', 'old', 'work', 'personal', 'this', 'in', 'of', 'for', 'a', 'an',
  'apostrophe', 'no', 'space', 'spaces', 'capital', 'uppercase', 'letter', 'letters', 'spelled', 'like', 'as',
]);

type Word = { start: number; end: number; lower: string };

function words(text: string): Word[] {
  return [...text.matchAll(/[A-Za-z0-9']+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, lower: m[0].toLowerCase().replace(/'$/, '') }));
}

/** The connector between two adjacent words, if the gap itself is one ("." "_" "-"). */
function gapConnector(text: string, left: Word, right: Word): string | null {
  const gap = text.slice(left.end, right.start);
  if (/^\s*\.\s*$/.test(gap) && !/\.\s+$/.test(gap)) return '.';
  if (/^[_-]$/.test(gap)) return gap;
  if (/^\s*@\s*$/.test(gap)) return '@';
  return null;
}

function connectorWord(word: Word | undefined): string | null {
  if (!word) return null;
  if (DOT_WORDS.has(word.lower)) return '.';
  return JOIN_WORDS[word.lower] ?? null;
}

/** The connector after word j, as a gap or a spoken word, and the index of the word after it. */
function connectorAfter(text: string, list: Word[], j: number): { kind: string; next: number } | null {
  const word = list[j]!;
  const after = list[j + 1];
  if (!after) return null;
  const gap = gapConnector(text, word, after);
  if (gap === '.' || gap === '-') return { kind: gap, next: j + 1 };
  const spoken = connectorWord(after);
  if (spoken && list[j + 2] && /^[\s,]*$/.test(text.slice(word.end, after.start))) return { kind: spoken, next: j + 2 };
  return null;
}

/** Reads a domain forward from index i: labels joined by dots, ending in a known TLD. */
function readDomain(text: string, list: Word[], i: number): { end: number; domain: string } | null {
  const labels: string[] = [''];
  let wordsInLabel = 0;
  let best: { end: number; domain: string } | null = null;
  for (let j = i; j < list.length && labels.length <= 5; ) {
    const part = list[j]!;
    // A word that ends a local part may still be part of a domain after the first word: "g mail", "proton dot me".
    if (!/^[a-z0-9]+$/.test(part.lower) || connectorWord(part) || (j === i && STOP.has(part.lower))) break;
    labels[labels.length - 1] += part.lower;
    wordsInLabel += 1;
    if (labels.length >= 2 && TLDS.has(part.lower)) best = { end: part.end, domain: labels.join('.') };
    const connector = connectorAfter(text, list, j);
    if (connector && connector.kind !== '_') {
      if (connector.kind === '.') labels.push('');
      else labels[labels.length - 1] += '-';
      wordsInLabel = 0;
      j = connector.next;
    } else if (labels.length === 1 && wordsInLabel < 5 && list[j + 1] && /^\s+$/.test(text.slice(part.end, list[j + 1]!.start))) {
      // Spoken domains run words together: "raman consulting dot com" is ramanconsulting.com.
      j += 1;
    } else break;
  }
  return best;
}

/** A single letter: inside a spelled run even "e", "i" and "o" are letters, not words. */
const letter = (word: Word | undefined) => word !== undefined && /^[a-z]$/.test(word.lower);

/** Reads the local part backwards from the word before "at". */
function readLocal(text: string, list: Word[], atIndex: number): { start: number; local: string } | null {
  let k = atIndex - 1;
  // "meg o'connell, all one word, no apostrophe, at ...": how it is written, said after it.
  while (k > 0 && ASIDE.has(list[k]!.lower)) k -= 1;
  const first = list[k];
  if (!first || connectorWord(first)) return null;
  if (STOP.has(first.lower) && !(letter(first) && letter(list[k - 1]))) return null;
  let start = first.start;
  let pieces = 0;
  let plain = spelled(first) || letter(first) ? 0 : 1;
  k -= 1;
  // Spelled addresses run long ("m a r i s o l underscore v"): up to a local part's worth of pieces.
  while (k >= 0 && pieces < 32) {
    const word = list[k]!;
    const right = list[k + 1]!;
    const spelledPair = letter(word) && letter(right);
    const joinedByGap = gapConnector(text, word, right);
    const gap = text.slice(word.end, right.start);
    const spaced = /^\s+$/.test(gap) || (spelledPair && /^[\s,]+$/.test(gap));
    if (joinedByGap && joinedByGap !== '@') {
      if (STOP.has(word.lower) && !spelledPair) break;
      start = word.start;
      k -= 1;
    } else if (connectorWord(word) && list[k - 1] && (!STOP.has(list[k - 1]!.lower) || letter(list[k - 1]))) {
      start = list[k - 1]!.start;
      k -= 2;
    } else if (spaced && (spelledPair || (!STOP.has(word.lower) && (spelled(word) || spelled(right))) || (/^[ai]$/.test(word.lower) && k > 0 && STOP.has(list[k - 1]!.lower)))) {
      // Spelled initials and spoken numbers run together with a word: "j smith eighty seven".
      start = word.start;
      k -= 1;
    } else if (spaced && plain < 2 && /^[a-z]+$/.test(word.lower) && !STOP.has(word.lower) && (k === 0 || STOP.has(list[k - 1]!.lower))) {
      // Two plain words after "to" or "is": "accounts payable at riverside pediatrics dot org".
      start = word.start;
      plain += 1;
      k -= 1;
    } else break;
    pieces += 1;
  }
  return { start, local: normaliseLocal(text.slice(start, first.end)) };
}

/** A single letter or a number, spoken or written: the pieces people spell an address out with. */
function spelled(word: Word): boolean {
  if (/^\d+$/.test(word.lower)) return true;
  if (/^[a-z]$/.test(word.lower)) return word.lower !== 'a' && word.lower !== 'i';
  return !['one', 'oh', 'o'].includes(word.lower) && findDigitRuns(word.lower).some((r) => r.spokenWords > 0);
}

function normaliseLocal(spoken: string): string {
  // Letters spelled with hyphens are one word: "j-o-r-g-e" is jorge.
  let out = spoken.replace(/\b([A-Za-z])-(?=[A-Za-z]\b)/g, '$1');
  // Spoken numbers become digits: "eighty seven" -> "87".
  for (const run of [...findDigitRuns(spoken)].reverse()) {
    if (run.spokenWords > 0) out = out.slice(0, run.start) + run.digits + out.slice(run.end);
  }
  return out
    .toLowerCase()
    .replace(/\s*\b(dot|period|point)\b\s*/g, '.')
    .replace(/\s*\bunderscore\b\s*/g, '_')
    .replace(/\s*\b(dash|hyphen)\b\s*/g, '-')
    .replace(/[^a-z0-9._%+-]/g, '');
}

export function detectEmails(text: string): Detection[] {
  const out = written(text);
  const writtenCount = out.length;
  // Both lists run in text order, so one pointer finds the written address a spoken one might overlap.
  let next = 0;
  const list = words(text);
  for (let i = 1; i < list.length - 1; i++) {
    const word = list[i]!;
    const viaSign = gapConnector(text, list[i - 1]!, word) === '@';
    if (word.lower !== 'at' && !viaSign) continue;
    const domain = readDomain(text, list, viaSign ? i : i + 1);
    if (!domain) continue;
    const local = readLocal(text, list, i);
    if (!local || local.local.length === 0) continue;
    while (next < writtenCount && out[next]!.end <= local.start) next++;
    if (next < writtenCount && out[next]!.start < domain.end) continue;
    if (out.length > writtenCount && out.at(-1)!.end > local.start) continue;
    out.push({ type: 'email', start: local.start, end: domain.end, normalised: `${local.local}@${domain.domain}`, score: 0.9 });
  }
  return out;
}
