// Twilio voice status, recording status and real-time transcription callbacks -> IngestEvent.
// Signatures are checked with the twilio SDK against the public URL Twilio called, which is
// PUBLIC_URL + path behind a TLS-terminating proxy (the Host header there is the proxy's).
// The SDK's webhook module alone: the whole SDK takes the better part of a second to load.
import twilio from 'twilio/lib/webhooks/webhooks.js';
import { z } from 'zod';
import type { Direction, Speaker } from '../calls/model.ts';
import { CallStatus, IngestError, isTerminal, parseOr400, type IngestEvent } from './event.ts';
import { MAX_DURATION_SECONDS, parseJsonChecked, safeUrl, timeProblem } from './limits.ts';

export type TwilioKind = 'voice' | 'recording' | 'transcription';

/**
 * Verifies X-Twilio-Signature. Form bodies sign the params (parsed once by the caller and used
 * again for the event); JSON bodies sign a bodySHA256 in the URL.
 */
export function verifyTwilioSignature(authToken: string, signature: string | undefined, url: string, body: TwilioBody): boolean {
  if (!signature) return false;
  if (body.kind === 'json') return twilio.validateRequestWithBody(authToken, signature, url, body.raw.toString('utf8'));
  return twilio.validateRequest(authToken, signature, url, body.params);
}

export type TwilioBody = { kind: 'json'; raw: Buffer } | { kind: 'form'; params: Record<string, string> };

export function formParams(rawBody: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')));
}

const Sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a Twilio ${prefix} sid`);
const optionalText = z.string().optional();
/** Twilio sends numbers as text; a whole number no larger than `max`. */
const wholeNumber = (max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n <= max, `must be at most ${max}`)
    .optional();
const seconds = wholeNumber(MAX_DURATION_SECONDS);
const counter = wholeNumber(Number.MAX_SAFE_INTEGER);
/** RFC 2822 or ISO 8601; one that does not parse is ignored, one outside the accepted window refused. */
const timestamp = z
  .string()
  .max(64)
  .superRefine((value, ctx) => {
    const ms = Date.parse(value);
    const problem = Number.isNaN(ms) ? null : timeProblem(ms);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .optional();

const Voice = z.object({
  AccountSid: Sid('AC'),
  CallSid: Sid('CA'),
  CallStatus: CallStatus,
  From: optionalText,
  To: optionalText,
  Direction: optionalText,
  CallDuration: seconds,
  Timestamp: timestamp,
  SequenceNumber: z.string().max(64).optional(),
});

const Recording = z.object({
  AccountSid: Sid('AC'),
  CallSid: Sid('CA'),
  RecordingSid: Sid('RE'),
  RecordingStatus: z.enum(['in-progress', 'completed', 'absent', 'failed']),
  RecordingUrl: safeUrl.optional(),
  RecordingDuration: seconds,
});

const Transcription = z.object({
  AccountSid: Sid('AC'),
  CallSid: Sid('CA'),
  TranscriptionEvent: z.enum(['transcription-started', 'transcription-content', 'transcription-stopped', 'transcription-error']),
  SequenceId: counter,
  Track: z.enum(['inbound_track', 'outbound_track']).optional(),
  TranscriptionData: optionalText,
  Final: optionalText,
  Timestamp: timestamp,
});

const TranscriptionData = z.object({ transcript: z.string(), confidence: z.number().optional() });

/** Twilio's Timestamp is RFC 2822 on status callbacks and ISO 8601 on transcription ones. */
function toIso(value: string | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function direction(value: string | undefined): Direction | undefined {
  if (!value) return undefined;
  return value === 'inbound' ? 'inbound' : 'outbound';
}

export type TwilioContext = {
  /** `agent` query parameter, else the AI's own number (To on inbound, From on outbound). */
  agentId?: string;
  /** `consent` query parameter, set by the call flow after the caller agreed to recording. */
  consent?: boolean;
};

export function parseTwilio(kind: TwilioKind, params: Record<string, string>, context: TwilioContext): IngestEvent {
  switch (kind) {
    case 'voice': {
      const body = parseOr400(Voice, params, 'Twilio status callback');
      const dir = direction(body.Direction) ?? 'inbound';
      const at = toIso(body.Timestamp);
      const ended = isTerminal(body.CallStatus);
      const duration = body.CallDuration ?? null;
      return {
        callId: body.CallSid,
        provider: 'twilio',
        event: `status:${body.CallStatus}`,
        sequence: body.SequenceNumber ?? '0',
        call: {
          agentId: context.agentId ?? (dir === 'inbound' ? body.To : body.From) ?? null,
          direction: dir,
          from: body.From ?? null,
          to: body.To ?? null,
          status: body.CallStatus,
          ...(body.CallStatus === 'in-progress' && at ? { startedAt: at } : {}),
          ...(ended && at ? { endedAt: at } : {}),
          ...(ended && at && duration !== null ? { startedAt: new Date(Date.parse(at) - duration * 1000).toISOString() } : {}),
          ...(duration !== null ? { durationSeconds: duration } : {}),
          ...(context.consent !== undefined ? { consent: context.consent } : {}),
        },
      };
    }
    case 'recording': {
      const body = parseOr400(Recording, params, 'Twilio recording callback');
      const done = body.RecordingStatus !== 'in-progress';
      if (body.RecordingStatus === 'completed' && !body.RecordingUrl) throw new IngestError(400, 'invalid Twilio recording callback: RecordingUrl: required when completed');
      return {
        callId: body.CallSid,
        provider: 'twilio',
        event: `recording:${body.RecordingStatus}`,
        sequence: body.RecordingSid,
        call: {
          recordingDone: done,
          ...(body.RecordingStatus === 'completed' ? { recordingUrl: body.RecordingUrl } : {}),
        },
      };
    }
    case 'transcription': {
      const body = parseOr400(Transcription, params, 'Twilio transcription callback');
      const base = { callId: body.CallSid, provider: 'twilio' as const, sequence: String(body.SequenceId ?? 0) };
      if (body.TranscriptionEvent !== 'transcription-content') {
        const over = body.TranscriptionEvent === 'transcription-stopped' || body.TranscriptionEvent === 'transcription-error';
        return { ...base, event: `transcript:${body.TranscriptionEvent.replace('transcription-', '')}`, call: over ? { transcriptDone: true } : {} };
      }
      // Only final results are utterances; interim ones are replaced by the final that follows.
      if (body.Final !== undefined && body.Final !== 'true') return { ...base, event: 'transcript:interim', call: {} };
      if (!body.TranscriptionData) throw new IngestError(400, 'invalid Twilio transcription callback: TranscriptionData: required for transcription-content');
      const what = 'Twilio transcription callback TranscriptionData';
      const data = parseOr400(TranscriptionData, parseJsonChecked(body.TranscriptionData, what), what);
      // inbound_track is what Twilio hears from the far end: the caller. outbound_track is what
      // it plays into the call: the AI agent.
      const speaker: Speaker = body.Track === 'outbound_track' ? 'agent' : 'caller';
      return {
        ...base,
        event: 'transcript:content',
        call: {},
        turn: { speaker, text: data.transcript, startMs: null, order: body.SequenceId ?? 0, at: toIso(body.Timestamp) },
      };
    }
  }
}
