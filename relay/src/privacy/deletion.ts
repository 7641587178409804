// Deleting a call: everything personal goes (webhook payloads, numbers, recording link, analysis,
// outbox snapshots, dry-run records); the call id, its timestamps, its state history and its
// delivery log stay, so reports still add up and the console can say it was deleted. What a CRM
// already received stays there, unless redaction events are on (retention.redactCrmsOnDelete):
// then each CRM that received the call gets a `redact` event telling it to clear the transcript.
// Either way the transcript link stops working (410 Gone).
import type { Db } from '../store/db.ts';
import { Outbox } from '../sync/outbox.ts';
import type { SinkName } from '../sync/sink.ts';
import type { CallSnapshot } from '../sync/snapshot.ts';
import { Direction, Provider } from '../calls/model.ts';
import { atRest } from './at-rest.ts';

export type DeleteResult = { status: 'deleted'; redactionsQueued: SinkName[] } | { status: 'not_found' } | { status: 'already_deleted' };

/** The redaction event: the call id and nothing personal; the CRM clears what it holds. */
export function redactionSnapshot(call: { id: string; provider: string; agent_id: string | null; direction: string }): CallSnapshot {
  return {
    eventType: 'redact',
    callId: call.id,
    provider: Provider.parse(call.provider),
    agentId: call.agent_id,
    direction: Direction.parse(call.direction),
    from: null,
    to: null,
    startedAt: null,
    endedAt: null,
    durationSeconds: 0,
    consent: false,
    insights: null,
    analysisSource: null,
    redactionConfidence: null,
    transcript: null,
    transcriptUrl: null,
    recordingUrl: null,
  };
}

export async function deleteCall(db: Db, callId: string, options: { redactCrms: boolean; who: string }): Promise<DeleteResult> {
  return db.tx(async (sql) => {
    const [call] = await sql.query<{ id: string; provider: string; agent_id: string | null; direction: string; stage: string }>(
      'select id, provider, agent_id, direction, stage from calls where id = $1 for update',
      [callId],
    );
    if (!call) return { status: 'not_found' };
    if (call.stage === 'deleted') return { status: 'already_deleted' };
    const delivered = await sql.query<{ sink: SinkName }>(`select distinct sink from deliveries where call_id = $1 and status = 'delivered' and event_type = 'call_completed' order by sink`, [callId]);

    await sql.query('delete from call_events where call_id = $1', [callId]);
    await sql.query(
      `update calls set stage = 'deleted', deleted_at = now(), from_number = null, to_number = null, recording_url = null, analysis = null,
         last_error = null, finalise_after = null, lease_until = null, updated_at = now() where id = $1`,
      [callId],
    );
    // Nothing more goes out about this call except the redaction below; a dead letter can no longer be replayed.
    await sql.query('delete from dead_letters where call_id = $1', [callId]);
    await sql.query(`update deliveries set status = 'cancelled', lease_until = null, snapshot = '{}'::jsonb where call_id = $1 and status <> 'delivered'`, [callId]);
    await sql.query(`update deliveries set snapshot = '{}'::jsonb where call_id = $1`, [callId]);
    await sql.query('delete from dry_run_requests where call_id = $1', [callId]);
    // Caller context: the call is no longer found by its caller, and what its agent was told goes.
    await sql.query('update calls set caller_key = null where id = $1', [callId]);
    await sql.query('delete from caller_context_given where call_id = $1', [callId]);

    const sinks = options.redactCrms ? delivered.map((d) => d.sink) : [];
    if (sinks.length > 0) await Outbox.enqueue(sql, redactionSnapshot(call), sinks, null, atRest(db));
    await sql.query('insert into call_history (call_id, stage, detail) values ($1, $2, $3)', [
      callId,
      'deleted',
      `deleted by ${options.who}${sinks.length > 0 ? `; redaction queued for ${sinks.join(', ')}` : ''}`,
    ]);
    return { status: 'deleted', redactionsQueued: sinks };
  });
}
