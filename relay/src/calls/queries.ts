// Read models for the API and the console: one call in full, and filtered pages of calls.
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { atRest } from '../privacy/at-rest.ts';

export const CallFilter = z.object({
  agent: z.string().optional(),
  intent: z.string().optional(),
  disposition: z.string().optional(),
  sync: z.enum(['synced', 'pending', 'failed', 'not_synced']).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type CallFilter = z.infer<typeof CallFilter>;

// Sync status of a call across its deliveries: failed if any is dead, pending if any is
// still queued, synced when all arrived, not_synced when nothing was queued yet.
const SYNC_STATUS = `(select case when count(*) = 0 then 'not_synced'
    when bool_or(d.status = 'dead') then 'failed'
    when bool_or(d.status = 'pending') then 'pending' else 'synced' end
  from deliveries d where d.call_id = c.id)`;

export type CallSummary = {
  id: string;
  provider: string;
  agentId: string | null;
  direction: string;
  status: string | null;
  stage: string;
  startedAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
  intent: string | null;
  disposition: string | null;
  callerName: string | null;
  syncStatus: string;
  createdAt: Date;
};

export async function listCalls(db: Db, filter: CallFilter): Promise<{ calls: CallSummary[]; total: number }> {
  const where = `where c.stage <> 'deleted'
    and ($1::text is null or c.agent_id = $1)
    and ($2::text is null or c.analysis->'insights'->>'intent' = $2)
    and ($3::text is null or c.analysis->'insights'->>'disposition' = $3)
    and ($4::text is null or ${SYNC_STATUS} = $4)
    and ($5::timestamptz is null or c.created_at >= $5)
    and ($6::timestamptz is null or c.created_at < $6)`;
  const params = [filter.agent ?? null, filter.intent ?? null, filter.disposition ?? null, filter.sync ?? null, filter.since ?? null, filter.until ?? null];
  const rows = await db.query<Record<string, unknown>>(
    `select c.id, c.provider, c.agent_id, c.direction, c.status, c.stage, c.started_at, c.ended_at, c.duration_seconds, c.created_at,
            c.analysis->'insights'->>'intent' as intent, c.analysis->'insights'->>'disposition' as disposition,
            c.analysis->'insights'->>'callerName' as caller_name, ${SYNC_STATUS} as sync_status
     from calls c ${where} order by c.created_at desc, c.id limit $7 offset $8`,
    [...params, filter.limit, filter.offset],
  );
  const [count] = await db.query<{ total: number }>(`select count(*)::int as total from calls c ${where}`, params);
  return {
    total: count?.total ?? 0,
    calls: rows.map((r) => ({
      id: r.id as string,
      provider: r.provider as string,
      agentId: r.agent_id as string | null,
      direction: r.direction as string,
      status: r.status as string | null,
      stage: r.stage as string,
      startedAt: r.started_at as Date | null,
      endedAt: r.ended_at as Date | null,
      durationSeconds: r.duration_seconds as number | null,
      intent: r.intent as string | null,
      disposition: r.disposition as string | null,
      callerName: atRest(db).openText(r.caller_name as string | null),
      syncStatus: r.sync_status as string,
      createdAt: r.created_at as Date,
    })),
  };
}

export async function callDetail(db: Db, callId: string) {
  const [stored] = await db.query<Record<string, unknown>>('select * from calls where id = $1', [callId]);
  if (!stored) return undefined;
  const fields = atRest(db);
  const call: Record<string, unknown> = { ...stored, from_number: fields.openText(stored.from_number), to_number: fields.openText(stored.to_number), recording_url: fields.openText(stored.recording_url) };
  const history = await db.query('select at, stage, detail from call_history where call_id = $1 order by id', [callId]);
  const deliveries = await db.query<Record<string, unknown>>(
    `select id, sink, event_type, status, attempts, last_error, created_at, delivered_at, next_attempt_at from deliveries where call_id = $1 order by id`,
    [callId],
  );
  const attempts = await db.query<Record<string, unknown>>(
    `select a.delivery_id, a.attempt, a.at, a.outcome, a.error, a.latency_ms, a.request_summary from delivery_attempts a
     join deliveries d on d.id = a.delivery_id where d.call_id = $1 order by a.id`,
    [callId],
  );
  const analysis = fields.openAnalysis(call.analysis) as { insights?: unknown; source?: string; redaction?: unknown; usage?: unknown; redactedTranscript?: unknown } | null;
  return {
    id: call.id as string,
    provider: call.provider as string,
    agentId: call.agent_id as string | null,
    direction: call.direction as string,
    from: call.from_number as string | null,
    to: call.to_number as string | null,
    status: call.status as string | null,
    stage: call.stage as string,
    startedAt: call.started_at as Date | null,
    endedAt: call.ended_at as Date | null,
    durationSeconds: call.duration_seconds as number | null,
    consent: call.consent as boolean | null,
    recordingUrl: call.recording_url as string | null,
    lastError: call.last_error as string | null,
    analysisSource: analysis?.source ?? null,
    insights: analysis?.insights ?? null,
    redaction: analysis?.redaction ?? null,
    usage: analysis?.usage ?? null,
    transcript: analysis?.redactedTranscript ?? null,
    history,
    deliveries: deliveries.map((d) => ({
      id: Number(d.id),
      sink: d.sink as string,
      eventType: d.event_type as string,
      status: d.status as string,
      attempts: d.attempts as number,
      lastError: d.last_error as string | null,
      createdAt: d.created_at as Date,
      deliveredAt: d.delivered_at as Date | null,
      nextAttemptAt: d.next_attempt_at as Date,
      log: attempts.filter((a) => Number(a.delivery_id) === Number(d.id)).map(({ delivery_id: _, ...a }) => a),
    })),
  };
}
export type CallDetail = NonNullable<Awaited<ReturnType<typeof callDetail>>>;
