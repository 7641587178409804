// What every provider adapter turns a webhook into: one normalised event about one call.
// The store dedupes on (callId, event, sequence) and merges `call` into the call's row.
import { z } from 'zod';
import { Direction, Provider, Speaker, Turn } from '../calls/model.ts';

export const CallStatus = z.enum(['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled']);
export type CallStatus = z.infer<typeof CallStatus>;

/** Status only moves forward: a late `ringing` never undoes `completed`. */
export const statusRank: Record<CallStatus, number> = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  busy: 4,
  failed: 4,
  'no-answer': 4,
  canceled: 4,
};
export const TERMINAL_RANK = 4;

/** The call is over: completed, or never connected (busy, failed, no-answer, canceled). */
export const isTerminal = (status: CallStatus) => statusRank[status] >= TERMINAL_RANK;

const isoTime = z.iso.datetime({ offset: true });

export const CallPatch = z.object({
  agentId: z.string().max(80).nullable().optional(),
  direction: Direction.optional(),
  from: z.string().max(40).nullable().optional(),
  to: z.string().max(40).nullable().optional(),
  status: CallStatus.optional(),
  startedAt: isoTime.nullable().optional(),
  endedAt: isoTime.nullable().optional(),
  durationSeconds: z.number().int().nonnegative().nullable().optional(),
  recordingUrl: z.url().nullable().optional(),
  consent: z.boolean().nullable().optional(),
  /** No more transcript is coming (real-time transcription stopped, or the platform sent it whole). */
  transcriptDone: z.boolean().optional(),
  /** No more recording is coming. */
  recordingDone: z.boolean().optional(),
});
export type CallPatch = z.infer<typeof CallPatch>;

/** One utterance from a streaming transcription; `order` sorts utterances that arrive out of order. */
export const StreamedTurn = z.object({
  speaker: Speaker,
  text: z.string(),
  startMs: z.number().int().nonnegative().nullable(),
  order: z.number().int(),
  /** When the provider heard it (ISO); turned into startMs once the call's start is known. */
  at: z.string().nullable().optional(),
});
export type StreamedTurn = z.infer<typeof StreamedTurn>;

export const VendorAnalysis = z.object({ summary: z.string().nullable(), data: z.record(z.string(), z.unknown()) });
export type VendorAnalysis = z.infer<typeof VendorAnalysis>;

export const IngestEvent = z.object({
  callId: z.string().min(1).max(64),
  provider: Provider,
  /** e.g. status:completed, recording:completed, transcript:content, report:end-of-call. */
  event: z.string().min(1).max(64),
  /** Distinguishes repeated events of one kind (Twilio SequenceNumber, SequenceId, RecordingSid). */
  sequence: z.string().max(64),
  call: CallPatch,
  turn: StreamedTurn.optional(),
  /** The whole transcript, when the platform sends it at the end. */
  transcript: z.array(Turn).optional(),
  vendor: VendorAnalysis.optional(),
});
export type IngestEvent = z.infer<typeof IngestEvent>;

/** Why a webhook was refused, in the log: a code an operator can count and search for. */
export type RefusalReason = 'bad_signature' | 'body_too_large' | 'unsupported_encoding' | 'unreadable_body' | 'not_json' | 'too_deep' | 'invalid_text' | 'invalid_field' | 'not_configured' | 'refused';

const REASON_BY_STATUS: Record<number, RefusalReason> = { 400: 'invalid_field', 403: 'bad_signature', 413: 'body_too_large', 415: 'unsupported_encoding', 503: 'not_configured' };

/** A request the relay refuses; status and a message that names the problem. */
export class IngestError extends Error {
  readonly status: number;
  readonly reason: RefusalReason;
  constructor(status: number, message: string, reason?: RefusalReason) {
    super(message);
    this.status = status;
    this.reason = reason ?? REASON_BY_STATUS[status] ?? 'refused';
  }
}

/** Parses with zod and turns the first issue into a 400 that names the field. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || '(body)';
  throw new IngestError(400, `invalid ${what}: ${field}: ${issue?.message ?? 'invalid'}`);
}
