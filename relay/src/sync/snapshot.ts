// A finalised, analysed call as the outbox stores it for delivery. It is frozen when the
// call is finalised, so every retry sends exactly the same thing; each CRM's sync policy is
// applied to it by the sink, not before, because policies differ per CRM.
import { z } from 'zod';
import { Direction, Provider, Turn } from '../calls/model.ts';
import { AnalysisSource, Insights } from '../analysis/insights.ts';

export const SnapshotEventType = z.enum(['call_completed', 'redact']);

export const CallSnapshot = z.object({
  eventType: SnapshotEventType,
  callId: z.string().min(1).max(64),
  provider: Provider,
  agentId: z.string().nullable(),
  direction: Direction,
  from: z.string().nullable(),
  to: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationSeconds: z.number().int().nonnegative(),
  /** False when the agent requires consent and none was recorded: then no text at all. */
  consent: z.boolean(),
  insights: Insights.nullable(),
  analysisSource: AnalysisSource.nullable(),
  redactionConfidence: z.number().min(0).max(1).nullable(),
  /** Redacted transcript, or null when there is none or consent is missing. */
  transcript: z.array(Turn).nullable(),
  transcriptUrl: z.string().nullable(),
  recordingUrl: z.string().nullable(),
});
export type CallSnapshot = z.infer<typeof CallSnapshot>;
