// The canonical "call completed" webhook any AI receptionist platform can send.
//
//   POST /webhooks/calls
//   X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(WEBHOOK_SECRET, "<t>.<raw body>")>
//   { "callId": "...", "from": "+1...", "transcript": [{ "speaker": "caller", "text": "..." }], ... }
import { z } from 'zod';
import { Direction, Turn } from '../calls/model.ts';
import { parseOr400, type IngestEvent } from './event.ts';
import { hmacSha256, safeEqual, SIGNATURE_WINDOW_MS } from './hmac.ts';
import { callTime, durationSeconds, offsetMs, parseJsonChecked, safeUrl } from './limits.ts';

export const GenericCall = z
  .object({
    callId: z.string().min(1).max(64),
    agentId: z.string().max(80).nullable().default(null),
    direction: Direction.default('inbound'),
    from: z.string().max(40).nullable().default(null),
    to: z.string().max(40).nullable().default(null),
    startedAt: callTime.nullable().default(null),
    endedAt: callTime.nullable().default(null),
    durationSeconds: durationSeconds.nullable().default(null),
    status: z.enum(['completed', 'no-answer', 'busy', 'failed', 'canceled']).default('completed'),
    transcript: z.array(Turn.extend({ startMs: offsetMs.nullable().default(null) })).default([]),
    recordingUrl: safeUrl.nullable().default(null),
    consent: z.boolean().nullable().default(null),
    /** The platform's own analysis, kept and given to the analyser as context. */
    summary: z.string().nullable().default(null),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type GenericCall = z.input<typeof GenericCall>;

export function signGeneric(secret: string, rawBody: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${hmacSha256(secret, `${t}.${rawBody}`)}`;
}

export function verifyGeneric(secret: string, header: string | undefined, rawBody: Buffer, now = Date.now()): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || !parts.v1 || Math.abs(now - t * 1000) > SIGNATURE_WINDOW_MS) return false;
  return safeEqual(hmacSha256(secret, Buffer.concat([Buffer.from(`${t}.`), rawBody])), parts.v1);
}

/** A webhook's JSON body, parsed and checked against the limits every webhook must respect. */
export function parseJson(rawBody: Buffer): unknown {
  return parseJsonChecked(rawBody.toString('utf8'));
}

export function parseGeneric(body: unknown): IngestEvent {
  const call = parseOr400(GenericCall, body, 'call');
  return {
    callId: call.callId,
    provider: 'generic',
    event: `call:${call.status}`,
    sequence: '0',
    call: {
      agentId: call.agentId,
      direction: call.direction,
      from: call.from,
      to: call.to,
      status: call.status,
      startedAt: call.startedAt,
      endedAt: call.endedAt,
      durationSeconds: call.durationSeconds ?? durationBetween(call.startedAt, call.endedAt),
      recordingUrl: call.recordingUrl,
      consent: call.consent,
      transcriptDone: true,
      recordingDone: true,
    },
    transcript: call.transcript,
    vendor: call.summary || Object.keys(call.metadata).length ? { summary: call.summary, data: call.metadata } : undefined,
  };
}

export function durationBetween(start: string | null | undefined, end: string | null | undefined): number | null {
  if (!start || !end) return null;
  return Math.max(0, Math.round((Date.parse(end) - Date.parse(start)) / 1000));
}
