// The sync policy applied to one finalised call for one CRM: what that CRM may receive. Both
// the Salesforce and the HubSpot sink build their requests from this view only, so a field the
// policy withholds cannot reach a CRM by another road.
import { z } from 'zod';
import { AnalysisSource, formatSummary } from '../analysis/insights.ts';
import { Direction, Provider, Turn } from '../calls/model.ts';
import type { SyncPolicy } from '../config.ts';
import { Disposition, Intent, PipelineStage, Tag } from '../taxonomy.ts';
import { SnapshotEventType, type CallSnapshot } from './snapshot.ts';

const confidence = z.number().min(0).max(1);

export const CrmView = z.object({
  eventType: SnapshotEventType,
  callId: z.string(),
  provider: Provider,
  agentId: z.string().nullable(),
  direction: Direction,
  fromPhone: z.string().nullable(),
  toPhone: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationSeconds: z.number().int().nonnegative(),
  consent: z.boolean(),
  analysisSource: AnalysisSource.nullable(),
  redactionConfidence: confidence.nullable(),

  // Structured facts from the analysis: always sent, metadata-only included, because they are
  // values from the locked taxonomy (or a name and a time), not conversation content.
  callerName: z.string().nullable(),
  callerNameConfidence: confidence.nullable(),
  callerEmail: z.string().nullable(),
  intent: Intent.nullable(),
  intentConfidence: confidence.nullable(),
  disposition: Disposition.nullable(),
  dispositionConfidence: confidence.nullable(),
  tags: z.array(Tag),
  pipelineStage: PipelineStage.nullable(),
  appointmentTime: z.string().nullable(),
  nextActionDue: z.string().nullable(),

  // Free text and links to content: each behind its policy switch, none without consent or in
  // metadata-only mode.
  summary: z.string().nullable(),
  qualificationNotes: z.string().nullable(),
  nextAction: z.string().nullable(),
  transcript: z.array(Turn).nullable(),
  transcriptUrl: z.string().nullable(),
  recordingUrl: z.string().nullable(),
});
export type CrmView = z.infer<typeof CrmView>;

export function applyPolicy(snapshot: CallSnapshot, policy: SyncPolicy): CrmView {
  const insights = snapshot.insights;
  // Metadata-only means the CRM can neither hold nor reach what was said: links to the
  // transcript or recording are withheld too, since they lead straight to the content.
  const text = snapshot.consent && !policy.metadataOnly;
  return {
    eventType: snapshot.eventType,
    callId: snapshot.callId,
    provider: snapshot.provider,
    agentId: snapshot.agentId,
    direction: snapshot.direction,
    fromPhone: snapshot.from,
    toPhone: snapshot.to,
    startedAt: snapshot.startedAt,
    endedAt: snapshot.endedAt,
    durationSeconds: snapshot.durationSeconds,
    consent: snapshot.consent,
    analysisSource: snapshot.analysisSource,
    redactionConfidence: snapshot.redactionConfidence,

    callerName: insights?.callerName ?? null,
    callerNameConfidence: insights ? insights.callerNameConfidence : null,
    callerEmail: insights?.callerEmail ?? null,
    intent: insights?.intent ?? null,
    intentConfidence: insights ? insights.intentConfidence : null,
    disposition: insights?.disposition ?? null,
    dispositionConfidence: insights ? insights.dispositionConfidence : null,
    tags: insights?.tags ?? [],
    pipelineStage: insights?.pipelineStage ?? null,
    appointmentTime: insights?.appointmentTime ?? null,
    nextActionDue: insights?.nextActionDue ?? null,

    summary: text && policy.summary && insights ? formatSummary(insights.summary) : null,
    qualificationNotes: text && policy.summary ? (insights?.qualificationNotes ?? null) : null,
    nextAction: text ? (insights?.nextAction ?? null) : null,
    transcript: text && policy.transcript && snapshot.transcript && snapshot.transcript.length > 0 ? snapshot.transcript : null,
    transcriptUrl: text && policy.transcriptLink ? snapshot.transcriptUrl : null,
    recordingUrl: text && policy.recordingLink ? snapshot.recordingUrl : null,
  };
}
