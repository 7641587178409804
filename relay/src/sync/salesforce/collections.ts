// Publishing Call_Event__e through sObject Collections: one POST creates up to 200 event
// messages, and with allOrNone false Salesforce answers one result per record, in order, so a
// record it refuses does not hold back the others.
import { z } from 'zod';
import type { CallEvent } from '../call-event.ts';
import type { DeliveryOutcome } from '../sink.ts';

export const COLLECTIONS_MAX_RECORDS = 200;

export type CollectionsRequest = {
  method: 'POST';
  path: string;
  body: { allOrNone: false; records: ({ attributes: { type: 'Call_Event__e' } } & CallEvent)[] };
};

export function collectionsRequest(apiVersion: string, events: CallEvent[]): CollectionsRequest {
  if (events.length > COLLECTIONS_MAX_RECORDS) throw new Error(`sObject Collections take at most ${COLLECTIONS_MAX_RECORDS} records`);
  return {
    method: 'POST',
    path: `/services/data/v${apiVersion}/composite/sobjects`,
    body: { allOrNone: false, records: events.map((event) => ({ attributes: { type: 'Call_Event__e' }, ...event })) },
  };
}

const RecordError = z.object({ statusCode: z.string(), message: z.string(), fields: z.array(z.string()).optional() });

export const SaveResult = z.object({
  id: z.string().nullable().optional(),
  success: z.boolean(),
  errors: z.array(RecordError),
});
export const SaveResults = z.array(SaveResult);
export type SaveResult = z.infer<typeof SaveResult>;

/** The error list REST resources answer with when a whole request fails. */
export const ApiErrors = z.array(z.object({ errorCode: z.string(), message: z.string(), fields: z.array(z.string()).optional() }));

/**
 * Record-level codes that clear up on their own: row locks, the hourly event publishing
 * allocation, the event bus being briefly unavailable, and the org's API limit.
 */
const TRANSIENT_RECORD_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  'LIMIT_EXCEEDED',
  'PLATFORM_EVENT_PUBLISHING_UNAVAILABLE',
  'PLATFORM_EVENT_PUBLISH_FAILED',
  'REQUEST_LIMIT_EXCEEDED',
  'SERVER_UNAVAILABLE',
]);

/** Hourly publishing allocations refill within the hour; try again well before that. */
const LIMIT_EXCEEDED_RETRY_MS = 5 * 60_000;

/**
 * Status codes and field names only: Salesforce's record messages quote the refused value
 * ("data value too large: <the caller's name>"), and this text ends up in logs and dead letters.
 */
function describeErrors(errors: z.infer<typeof RecordError>[]): string {
  return errors.map((e) => `${e.statusCode}${e.fields?.length ? ` (${e.fields.join(', ')})` : ''}`).join('; ') || 'refused without an error';
}

export function recordOutcome(result: SaveResult): DeliveryOutcome {
  if (result.success) return { status: 'delivered', ...(result.id ? { detail: result.id } : {}) };
  const error = describeErrors(result.errors);
  const codes = result.errors.map((e) => e.statusCode);
  if (codes.length > 0 && codes.every((code) => TRANSIENT_RECORD_CODES.has(code))) {
    return { status: 'retry', error, ...(codes.includes('LIMIT_EXCEEDED') ? { retryAfterMs: LIMIT_EXCEEDED_RETRY_MS } : {}) };
  }
  return { status: 'failed', error };
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
