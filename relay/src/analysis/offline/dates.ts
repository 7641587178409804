// Resolves what people say about when ("tomorrow at three", "next Friday", "the 15th at
// 10:30 a.m.", "next week") against the call's start time. The relay knows no business time
// zone, so dates are calendar dates of the call's start in UTC and times are taken as said.
import { findDigitRuns } from '../pii/digit-runs.ts';

export type When = { iso: string; hasTime: boolean; index: number };

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10, eleventh: 11, twelfth: 12, thirteenth: 13,
  fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17, eighteenth: 18, nineteenth: 19, twentieth: 20, thirtieth: 30,
};
const DAY = 86_400_000;

function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** The calendar day a phrase names, and where in the text it was said. */
function findDay(text: string, reference: Date): { day: Date; index: number } | null {
  const lower = text.toLowerCase();
  const today = startOfDay(reference);
  const candidates: { day: Date; index: number }[] = [];
  const add = (index: number, day: Date) => candidates.push({ index, day });
  for (const m of lower.matchAll(/\b(?:the )?day after tomorrow\b/g)) add(m.index, new Date(today.getTime() + 2 * DAY));
  // "by end of day tomorrow": the day is tomorrow, however the phrase is ordered.
  for (const m of lower.matchAll(/\b(?:end of (?:the )?day|eod|close of business|cob) tomorrow\b/g)) add(m.index, new Date(today.getTime() + DAY));
  for (const m of lower.matchAll(/\b(?<!after |end of day |end of the day |eod |close of business |cob )tomorrow\b/g)) add(m.index, new Date(today.getTime() + DAY));
  for (const m of lower.matchAll(/\b(?:today|tonight|this (?:morning|afternoon|evening)|later today|end of (?:the )?day|eod|close of business)\b(?! tomorrow)/g)) add(m.index, today);
  for (const m of lower.matchAll(/\b(next|this|on|coming)?\s*(sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/g)) {
    const target = WEEKDAYS.indexOf(m[2]!);
    let ahead = (target - today.getUTCDay() + 7) % 7 || 7;
    // "next Friday" said on a Tuesday means the Friday of next week, not this one.
    if (m[1] === 'next' && today.getUTCDay() >= 1 && today.getUTCDay() < target && ahead < 7) ahead += 7;
    add(m.index + (m[0].length - m[2]!.length), new Date(today.getTime() + ahead * DAY));
  }
  for (const m of lower.matchAll(/\bnext week\b/g)) {
    const toMonday = ((8 - today.getUTCDay()) % 7) || 7;
    add(m.index, new Date(today.getTime() + toMonday * DAY));
  }
  for (const m of lower.matchAll(/\b(?:end of (?:the|this) week|later this week)\b/g)) {
    const toFriday = (5 - today.getUTCDay() + 7) % 7;
    add(m.index, new Date(today.getTime() + toFriday * DAY));
  }
  for (const m of lower.matchAll(/\bin (a|one|two|three|four|five|six|seven|\d+) (day|days|week|weeks)\b/g)) {
    const n = { a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7 }[m[1]!] ?? Number(m[1]);
    add(m.index, new Date(today.getTime() + n * (m[2]!.startsWith('week') ? 7 : 1) * DAY));
  }
  const monthNames = MONTHS.join('|');
  const dayNumber = String.raw`(\d{1,2})(?:st|nd|rd|th)?|(${Object.keys(ORDINALS).join('|')})`;
  for (const m of lower.matchAll(new RegExp(String.raw`\b(${monthNames})\s+(?:the\s+)?(?:${dayNumber})\b`, 'g'))) {
    const dayOfMonth = m[2] ? Number(m[2]) : ORDINALS[m[3]!]!;
    add(m.index, upcoming(today, MONTHS.indexOf(m[1]!), dayOfMonth));
  }
  for (const m of lower.matchAll(new RegExp(String.raw`\bthe\s+(?:${dayNumber})(?!\s*(?:${monthNames}|minutes|hours|days|people))\b`, 'g'))) {
    const dayOfMonth = m[1] ? Number(m[1]) : ORDINALS[m[2]!]!;
    if (!/(?:st|nd|rd|th)$/.test(m[0]) && !m[2]) continue;
    const month = dayOfMonth >= today.getUTCDate() ? today.getUTCMonth() : today.getUTCMonth() + 1;
    add(m.index, upcoming(today, month % 12, dayOfMonth));
  }
  candidates.sort((a, b) => a.index - b.index);
  return candidates[0] ?? null;
}

/** The next date (today or later) with this month and day. */
function upcoming(today: Date, month: number, dayOfMonth: number): Date {
  let date = new Date(Date.UTC(today.getUTCFullYear(), month, dayOfMonth));
  if (date.getTime() < today.getTime()) date = new Date(Date.UTC(today.getUTCFullYear() + 1, month, dayOfMonth));
  return date;
}

/** A time of day in minutes after midnight. */
function findTime(text: string): number | null {
  const lower = text.toLowerCase().replace(/\b(a|p)\.m\./g, '$1m').replace(/\b(a|p)\.m\b/g, '$1m');
  if (/\bnoon\b/.test(lower)) return 12 * 60;
  const written = lower.match(/\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b/) ?? lower.match(/\bat\s+(\d{1,2})(?::(\d{2}))?\b(?!\s*(?:minutes|days|people|percent|dollars|%))/) ?? lower.match(/\b(\d{1,2}):(\d{2})\b/);
  let hour: number | null = null;
  let minute = 0;
  let meridiem: string | undefined;
  if (written) {
    hour = Number(written[1]);
    minute = written[2] ? Number(written[2]) : 0;
    meridiem = written[3];
  } else {
    const spoken = lower.match(/\b(?:at|around|by|for)\s+((?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:[\s-](?:oh\s+\w+|fifteen|thirty|forty[\s-]five|forty|fifty|twenty|o'clock))?)\s*(am|pm)?/);
    if (spoken) {
      const digits = findDigitRuns(spoken[1]!.replace("o'clock", '')).map((r) => r.digits).join('');
      if (digits.length <= 2) hour = Number(digits);
      else {
        hour = Number(digits.slice(0, digits.length - 2));
        minute = Number(digits.slice(-2));
      }
      meridiem = spoken[2];
    }
  }
  if (hour === null || hour > 23 || minute > 59) return null;
  if (meridiem === 'pm' && hour < 12) hour += 12;
  else if (meridiem === 'am' && hour === 12) hour = 0;
  // No am/pm: business hours are the likely reading ("at 3" is 3 pm, "at 9" is 9 am).
  else if (!meridiem && hour >= 1 && hour <= 6) hour += 12;
  else if (!meridiem && hour < 12 && /\b(afternoon|evening|tonight)\b/.test(lower)) hour += 12;
  return hour * 60 + minute;
}

const COUNTS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, ten: 10, fifteen: 15, twenty: 20, thirty: 30, 'forty five': 45, 'forty-five': 45, ninety: 90 };

/** "within fifteen minutes", "in an hour", "within the hour": a time counted from the call. */
function fromNow(text: string, reference: Date): When | null {
  const lower = text.toLowerCase();
  const counted = lower.match(/\b(?:within|in|in about|in the next|in under)\s+(\d{1,3}|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty[ -]five|ninety)\s+(minutes?|mins?|hours?|hrs?)\b/);
  const minutes = counted ? (Number(counted[1]) || COUNTS[counted[1]!]!) * (counted[2]!.startsWith('h') ? 60 : 1) : /\bwithin the (?:next )?hour\b/.test(lower) ? 60 : null;
  if (minutes === null) return null;
  return { iso: new Date(reference.getTime() + minutes * 60_000).toISOString(), hasTime: true, index: counted?.index ?? 0 };
}

/** The first day mentioned in the text, with a time if one is given, resolved against `reference`. */
export function resolveWhen(text: string, reference: Date): When | null {
  const soon = fromNow(text, reference);
  if (soon) return soon;
  const found = findDay(text, reference);
  const time = findTime(text);
  if (!found) {
    if (time === null) return null;
    // A time with no day: today if it is still ahead of the call, else tomorrow.
    const today = startOfDay(reference).getTime() + time * 60_000;
    const at = today > reference.getTime() ? today : today + DAY;
    return { iso: new Date(at).toISOString(), hasTime: true, index: 0 };
  }
  const fallback = /\bmorning\b/i.test(text) ? 9 * 60 : /\bafternoon\b/i.test(text) ? 14 * 60 : /\bevening|tonight\b/i.test(text) ? 18 * 60 : /\b(?:end of (?:the )?day|eod|close of business|cob)\b/i.test(text) ? 17 * 60 : null;
  const minutes = time ?? fallback;
  let at = found.day.getTime() + (minutes ?? 9 * 60) * 60_000;
  // "Today" with no time, said after nine: by the end of the working day, never in the past.
  if (minutes === null && at <= reference.getTime()) at = Math.max(found.day.getTime() + 17 * 3_600_000, reference.getTime() + 3_600_000);
  return { iso: new Date(at).toISOString(), hasTime: minutes !== null, index: found.index };
}

/** The next working day at 9:00, the default due time for a follow-up nobody put a date on. */
export function nextBusinessDay(reference: Date): string {
  let day = new Date(startOfDay(reference).getTime() + DAY);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day = new Date(day.getTime() + DAY);
  return new Date(day.getTime() + 9 * 3_600_000).toISOString();
}
