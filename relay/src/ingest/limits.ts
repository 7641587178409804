// The limits every webhook must respect before it is acknowledged (docs/webhook-limits.md lists
// them). An acknowledged event must be one the store can hold: PostgreSQL refuses a NUL character,
// a lone UTF-16 surrogate in jsonb, a time zone offset beyond ±15:59, a year before 4713 BC or an
// integer beyond its column, and an event it refuses would fail the background import of every
// event stored with it. Deep nesting overflows the stack of whatever walks the value. So each
// webhook is checked here, alone, before it joins a group commit, and refused with a 400 that
// names the field.
import { z } from 'zod';
import { IngestError, type IngestEvent } from './event.ts';

/** Objects and arrays nested deeper than this in a JSON body are refused. */
export const MAX_DEPTH = 32;
/** The longest call (and the latest offset of an utterance in it) accepted: a week. */
export const MAX_DURATION_SECONDS = 7 * 86_400;
/** Times before this are refused: no AI-handled call happened before 2000. */
export const EARLIEST_TIME_MS = Date.UTC(2000, 0, 1);
/** Times more than this ahead of the relay's clock are refused (a platform's clock may run a little fast). */
export const FUTURE_SLACK_MS = 7 * 86_400_000;
/** The widest UTC offset of any time zone in use (Kiribati, +14:00). */
const MAX_OFFSET_MINUTES = 14 * 60;

/** Why a text cannot be stored, or null. Both checks are native string scans. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'text must not contain NUL (\\u0000) characters';
  if (!text.isWellFormed()) return 'text must be well-formed Unicode (it has a lone UTF-16 surrogate)';
  return null;
}

/** Why a time (milliseconds since 1970) is out of the accepted window, or null. */
export function timeProblem(ms: number, now = Date.now()): string | null {
  if (!Number.isFinite(ms)) return 'must be a valid time';
  if (ms < EARLIEST_TIME_MS) return 'must not be before 2000-01-01';
  if (ms > now + FUTURE_SLACK_MS) return 'must not be more than 7 days in the future';
  return null;
}

const OFFSET = /([+-])(\d{2}):?(\d{2})$/;

/** An ISO 8601 time with a real time zone offset, inside the accepted window. */
export const callTime = z.iso.datetime({ offset: true }).superRefine((value, ctx) => {
  const offset = OFFSET.exec(value);
  if (offset && Number(offset[2]) * 60 + Number(offset[3]) > MAX_OFFSET_MINUTES) {
    ctx.addIssue({ code: 'custom', message: 'time zone offset must be within ±14:00' });
    return;
  }
  const problem = timeProblem(Date.parse(value));
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A time as milliseconds since 1970, inside the accepted window. */
export const epochMs = z.number().superRefine((value, ctx) => {
  const problem = timeProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const durationSeconds = z.number().int().min(0).max(MAX_DURATION_SECONDS);
/** An utterance's offset from the call's start. */
export const offsetMs = z.number().int().min(0).max(MAX_DURATION_SECONDS * 1000);
export const offsetSeconds = z.number().min(0).max(MAX_DURATION_SECONDS);

const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/**
 * Whether a link may be stored, sent to a CRM or put in a page: https only (http on this machine,
 * for local trials and tests). javascript:, data: and the like never pass.
 */
export function isSafeUrl(value: string | null | undefined): value is string {
  if (!value) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
}

export const safeUrl = z.url().refine(isSafeUrl, 'must be an https: URL');

type Problem = { path: (string | number)[]; message: string; reason: 'too_deep' | 'invalid_text' };

/** The first problem in a parsed JSON value, with its path; the path is built only on the way out. */
function jsonProblem(value: unknown, depth: number): Problem | null {
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? { path: [], message, reason: 'invalid_text' } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_DEPTH) return { path: [], message: `nested more than ${MAX_DEPTH} levels deep`, reason: 'too_deep' };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonProblem(value[i], depth + 1);
      if (problem) return (problem.path.unshift(i), problem);
    }
    return null;
  }
  for (const key in value) {
    const keyMessage = textProblem(key);
    if (keyMessage) return { path: [], message: `a key: ${keyMessage}`, reason: 'invalid_text' };
    const problem = jsonProblem((value as Record<string, unknown>)[key], depth + 1);
    if (problem) return (problem.path.unshift(key), problem);
  }
  return null;
}

const formatPath = (path: (string | number)[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(body)';

/**
 * Parses a JSON text and checks it in one pass: depth, and every key and string storable.
 * `what` names the part of the webhook it is ("body", or a form field holding JSON).
 */
export function parseJsonChecked(text: string, what = 'body'): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new IngestError(400, `invalid ${what}: not JSON`, 'not_json');
  }
  const problem = jsonProblem(value, 0);
  if (problem) throw new IngestError(400, `invalid ${what}: ${formatPath(problem.path)}: ${problem.message}`, problem.reason);
  return value;
}

/** Checks flat text fields (form parameters, query parameters), naming the first bad one. */
export function checkTextFields(fields: Iterable<[string, string]>, what: string): void {
  for (const [key, value] of fields) {
    const message = textProblem(key) ?? textProblem(value);
    if (message) throw new IngestError(400, `invalid ${what}: ${textProblem(key) ? '(a parameter name)' : key}: ${message}`, 'invalid_text');
  }
}

/**
 * The last check of an event an adapter built, before it joins a group commit: the values the
 * store keeps in typed columns. Adapters refuse bad input naming the webhook's own fields; this
 * catches what they derive (a start time computed from an end time and a duration).
 */
export function assertStorable(event: IngestEvent): void {
  const { call } = event;
  for (const field of ['startedAt', 'endedAt'] as const) {
    const value = call[field];
    const problem = value == null ? null : timeProblem(Date.parse(value));
    if (problem) throw new IngestError(400, `invalid event: ${field}: ${problem}`);
  }
  const duration = call.durationSeconds;
  if (duration != null && !(Number.isInteger(duration) && duration >= 0 && duration <= MAX_DURATION_SECONDS)) {
    throw new IngestError(400, `invalid event: durationSeconds: must be a whole number of seconds up to ${MAX_DURATION_SECONDS}`);
  }
}
