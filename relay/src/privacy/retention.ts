// Retention: transcript text and recording references are purged a configurable number of days
// (retention.transcriptDays, default 90) after the call ended; the call's metadata (times,
// duration, intent, disposition, delivery log) is kept for reporting. A call is measured from
// its end, or from when the relay first saw it if it never ended.
import type { Db } from '../store/db.ts';
import { CallSnapshot } from '../sync/snapshot.ts';
import { atRest } from './at-rest.ts';
import { forgetCallText } from './forget.ts';

export type RetentionCandidate = { endedAt: Date | null; createdAt: Date; stage: string; purgedAt: Date | null };

const DAY_MS = 86_400_000;

export function retentionCutoff(now: Date, transcriptDays: number): Date {
  return new Date(now.getTime() - transcriptDays * DAY_MS);
}

/** Deleted calls hold nothing left to purge; purged ones are done. */
export function purgeDue(call: RetentionCandidate, cutoff: Date): boolean {
  if (call.stage === 'deleted' || call.purgedAt !== null) return false;
  return (call.endedAt ?? call.createdAt).getTime() < cutoff.getTime();
}

/**
 * Purges one batch of calls past the cutoff; returns how many. The same rule as purgeDue, in SQL.
 * Webhook events that are transcript utterances go; the other events lose their transcript,
 * platform summary and recording link; the call loses its recording link and stored transcript;
 * outbox snapshots lose transcript, transcript link and recording link (a replay then sends
 * metadata and summary only); dry-run records of the call go.
 */
export async function purgeExpired(db: Db, cutoff: Date, limit = 200): Promise<number> {
  const fields = atRest(db);
  return db.tx(async (sql) => {
    const due = await sql.query<{ id: string }>(
      `select id from calls where purged_at is null and stage <> 'deleted' and coalesce(ended_at, created_at) < $1
       order by coalesce(ended_at, created_at) limit $2 for update skip locked`,
      [cutoff, limit],
    );
    const ids = due.map((r) => r.id);
    if (ids.length === 0) return 0;
    await forgetCallText(sql, ids);
    await sql.query(
      `update calls set analysis = case when analysis is null then null else analysis - 'redactedTranscript' end,
         purged_at = now(), updated_at = now() where id = any($1)`,
      [ids],
    );
    const deliveries = await sql.query<{ id: string; snapshot: unknown }>(`select id, snapshot from deliveries where call_id = any($1) and snapshot <> '{}'::jsonb`, [ids]);
    for (const d of deliveries) {
      const snapshot = CallSnapshot.parse(fields.openJson(d.snapshot));
      const kept = { ...snapshot, transcript: null, transcriptUrl: null, recordingUrl: null };
      await sql.query('update deliveries set snapshot = $2 where id = $1', [d.id, JSON.stringify(fields.json(kept))]);
    }
    await sql.query('delete from dry_run_requests where call_id = any($1)', [ids]);
    for (const id of ids) {
      await sql.query('insert into call_history (call_id, stage, detail) values ($1, $2, $3)', [id, 'purged', 'transcript and recording purged by retention']);
    }
    return ids.length;
  });
}

/** Purges every call past the cutoff, batch by batch. */
export async function purgeAllExpired(db: Db, transcriptDays: number, now = new Date()): Promise<number> {
  const cutoff = retentionCutoff(now, transcriptDays);
  let total = 0;
  for (;;) {
    const purged = await purgeExpired(db, cutoff);
    total += purged;
    if (purged === 0) return total;
  }
}
