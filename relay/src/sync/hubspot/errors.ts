// HubSpot failures in one shape, and what each means for a delivery. The client library
// throws ApiException (status, parsed body, headers) for API answers and plain errors for
// network failures; both become HubSpotError here so the sink decides in one place.
import type { DeliveryOutcome } from '../sink.ts';
import { HubSpotPaused } from './limiter.ts';

export class HubSpotError extends Error {
  /** HTTP status, or 0 when no answer arrived. */
  readonly status: number;
  readonly category: string | null;
  /** For 429s: TEN_SECONDLY_ROLLING, SECONDLY, DAILY... */
  readonly policyName: string | null;
  readonly retryAfterMs: number | undefined;

  constructor(status: number, message: string, details: { category?: string | null; policyName?: string | null; retryAfterMs?: number } = {}) {
    super(message);
    this.status = status;
    this.category = details.category ?? null;
    this.policyName = details.policyName ?? null;
    this.retryAfterMs = details.retryAfterMs;
  }

  get isDailyLimit(): boolean {
    return this.status === 429 && this.policyName === 'DAILY';
  }

  get isConflict(): boolean {
    return this.status === 409;
  }
}

type Answer = { code: number; body: unknown; headers: Record<string, string> };

function isAnswer(error: unknown): error is Answer {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number' && 'headers' in error;
}

function field(body: unknown, name: string): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}

export function retryAfterMs(headers: Record<string, string> | Headers): number | undefined {
  const raw = headers instanceof Headers ? headers.get('retry-after') : (headers['retry-after'] ?? headers['Retry-After']);
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Builds a HubSpotError from a status, a parsed JSON body and headers. */
export function errorFromAnswer(status: number, body: unknown, headers: Record<string, string> | Headers): HubSpotError {
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  const message = scrub(field(parsed, 'message') ?? `HubSpot answered ${status}`);
  return new HubSpotError(status, `HubSpot ${status}: ${message}`, {
    category: field(parsed, 'category') ?? field(parsed, 'errorType'),
    policyName: field(parsed, 'policyName'),
    retryAfterMs: retryAfterMs(headers),
  });
}

export function toHubSpotError(error: unknown): HubSpotError {
  if (error instanceof HubSpotError) return error;
  if (isAnswer(error)) return errorFromAnswer(error.code, error.body, error.headers);
  const message = error instanceof Error ? error.message : String(error);
  return new HubSpotError(0, `HubSpot unreachable: ${message}`);
}

/**
 * HubSpot's messages sometimes quote the values that were sent (a duplicate unique value, an
 * invalid option). Errors end up in logs and dead letters, which must never hold a phone
 * number or an email, so those are masked and the message kept short.
 */
export function scrub(message: string): string {
  return message
    .replace(/[^\s"'<>()[\]{},;:]+@[^\s"'<>()[\]{},;:]+/g, '[email]')
    .replace(/\+?\d[\d\s().-]{5,}\d/g, '[number]')
    .slice(0, 300);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * What a failure means for a delivery: rate limits, server errors and network failures come
 * back later; a request HubSpot refuses on its merits (bad token, missing scope, invalid
 * property) will be refused again, so it goes to the dead letters for an admin to fix and replay.
 */
export function outcomeFor(error: unknown): DeliveryOutcome {
  if (error instanceof HubSpotPaused) return { status: 'retry', error: error.message, retryAfterMs: error.retryAfterMs };
  const e = toHubSpotError(error);
  if (e.status === 429 || e.status === 0 || e.status >= 500 || e.status === 408) {
    return { status: 'retry', error: e.message, ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}) };
  }
  return { status: 'failed', error: e.message };
}

/** Permanent failures of a whole batch are worth retrying item by item to find the bad one. */
export function isPermanent(error: unknown): boolean {
  return outcomeFor(error).status === 'failed';
}
