// Phone numbers, payment cards and US social security numbers, from digit runs (written or
// spoken). A run is classified by its length, its grouping, a Luhn check and the words just
// before it, because "order number four eight two nine one seven three" has a phone number's
// length and is not one.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { findDigitRuns, type DigitRun } from './digit-runs.ts';
import { wordsBefore, type Detection } from './entity.ts';

/** Identifiers people read out that are not personal contact data. */
const NOT_A_PHONE = /\b(order|prescription|rx|refill|license|licence|plate|vin|permit|confirmation|reference|ref|ticket|invoice|tracking|case|claim|policy|member|account|acct|reservation|booking|model|serial|part|item|sku|po|id|job|work order|receipt|transaction|check|routing|pin|code|zip|zipcode)\b(?:\s+[\w']+){0,2}\s*$/;
const CARD_CONTEXT = /\b(card|visa|mastercard|master card|amex|american express|discover|debit|credit)\b/;
const SSN_CONTEXT = /\b(social|ssn|social security|security number)\b/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function ssnShapeValid(digits: string): boolean {
  const area = digits.slice(0, 3);
  return digits.length === 9 && area !== '000' && area !== '666' && area[0] !== '9' && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000';
}

function phoneFrom(run: DigitRun): string | null {
  const { digits } = run;
  if (run.plus || (digits.startsWith('00') && digits.length >= 10)) {
    const parsed = parsePhoneNumberFromString(`+${digits.replace(/^00/, '')}`);
    return parsed?.isPossible() ? parsed.number : null;
  }
  if (digits.length === 10 || (digits.length === 11 && digits.startsWith('1'))) {
    const parsed = parsePhoneNumberFromString(digits, 'US');
    // NANP area codes and exchanges never start with 0 or 1.
    const national = parsed?.nationalNumber ?? '';
    if (parsed?.isPossible() && /^[2-9]\d{2}[2-9]/.test(national)) return parsed.number;
    return null;
  }
  // A national number with a trunk prefix, as most countries outside North America write them.
  if (/^0[1-9]\d{8,9}$/.test(digits)) return digits;
  // A seven-digit local number (exchange + line), said without its area code.
  if (digits.length === 7 && /^[2-9]/.test(digits)) return digits;
  return null;
}

function classify(text: string, run: DigitRun): Detection | null {
  const { digits } = run;
  // Callers say what a number is, then hesitate or repeat themselves before reading it.
  const context = wordsBefore(text, run.start, 12);
  // What the number is called, a few words back past any "is uh".
  const near = wordsBefore(text, run.start, 5);
  const start = text[run.start - 1] === '(' ? run.start - 1 : run.start;
  const base = { start, end: run.end, normalised: digits };
  if (digits.length >= 13 && digits.length <= 19) {
    if (luhnValid(digits)) return { ...base, type: 'card', score: 0.97 };
    // Said right after "card" it is one, even if speech-to-text misheard a digit.
    if (CARD_CONTEXT.test(near)) return { ...base, type: 'card', score: 0.7 };
  }
  const ssnGrouped = run.groups.length === 3 && run.groups[0] === 3 && run.groups[1] === 2 && run.groups[2] === 4 && run.spokenWords === 0;
  if (digits.length === 9 && ssnShapeValid(digits) && (ssnGrouped || SSN_CONTEXT.test(context))) return { ...base, type: 'ssn', score: ssnGrouped ? 0.9 : 0.95 };
  const phone = phoneFrom(run);
  const identifier = NOT_A_PHONE.test(near) || /\b(order|confirmation|reference|ticket|invoice|tracking|case|claim|policy|member|account|serial|model|part|job|vin|routing)\b/.test(context);
  if (!phone) {
    // When unsure, redact: a long number nobody called an identifier is someone's number (a
    // foreign one read in pairs, a phone or social security number read without pauses).
    if (digits.length === 9 && ssnShapeValid(digits) && !identifier) return { ...base, type: 'ssn', score: 0.6 };
    if (digits.length >= 8 && digits.length <= 15 && !identifier) return { ...base, type: 'phone', score: 0.5 };
    return null;
  }
  const phoneGrouped = run.spokenWords === 0 && run.groups.length >= 2 && !run.groups.some((g) => g > 4);
  // An identifier named just before the number wins over its phone-like length, unless
  // the number is written in phone grouping.
  if (NOT_A_PHONE.test(near) && !phoneGrouped && !/\b(phone|cell|mobile|call|reach|callback|text)\b/.test(near)) return null;
  if (CARD_CONTEXT.test(near) && !/\b(phone|cell|mobile|call|reach)\b/.test(near)) return null;
  return { ...base, type: 'phone', normalised: phone, score: digits.length === 7 ? 0.8 : 0.95 };
}

export function detectNumbers(text: string): Detection[] {
  const out: Detection[] = [];
  for (const run of findDigitRuns(text)) {
    const found = classify(text, run);
    if (found) out.push(found);
  }
  return out;
}
