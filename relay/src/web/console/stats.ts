// The console's figures, from the store: delivery success rate against the 95% target, call end
// to CRM latency, and per-integration status from the delivery log.
import type { Db } from '../../store/db.ts';

export const SUCCESS_TARGET = 0.95;

export type DeliveryHealth = {
  /** Deliveries of the last 24 hours that finished: delivered or dead-lettered. */
  finished: number;
  delivered: number;
  pending: number;
  successRate: number | null;
  latencyP50Seconds: number | null;
  latencyP95Seconds: number | null;
};

export async function deliveryHealth(db: Db): Promise<DeliveryHealth> {
  const [row] = await db.query<{ delivered: number; dead: number; pending: number; p50: number | null; p95: number | null }>(
    `select count(*) filter (where status = 'delivered')::int as delivered,
            count(*) filter (where status = 'dead')::int as dead,
            count(*) filter (where status = 'pending')::int as pending,
            percentile_cont(0.5) within group (order by extract(epoch from delivered_at - call_ended_at)) filter (where status = 'delivered' and call_ended_at is not null) as p50,
            percentile_cont(0.95) within group (order by extract(epoch from delivered_at - call_ended_at)) filter (where status = 'delivered' and call_ended_at is not null) as p95
     from deliveries where event_type = 'call_completed' and created_at > now() - interval '24 hours'`,
  );
  const delivered = row?.delivered ?? 0;
  const finished = delivered + (row?.dead ?? 0);
  return {
    finished,
    delivered,
    pending: row?.pending ?? 0,
    successRate: finished > 0 ? delivered / finished : null,
    latencyP50Seconds: row?.p50 === null || row?.p50 === undefined ? null : Number(row.p50),
    latencyP95Seconds: row?.p95 === null || row?.p95 === undefined ? null : Number(row.p95),
  };
}

export type IntegrationStatus = {
  sink: string;
  /** Connected when the latest attempt was delivered; unknown before the first attempt. */
  state: 'connected' | 'failing' | 'unknown';
  lastAttemptAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  attempts24h: number;
  pending: number;
  dead: number;
};

export async function integrationStatus(db: Db, sinks: string[]): Promise<IntegrationStatus[]> {
  return Promise.all(
    sinks.map(async (sink) => {
      const [last] = await db.query<{ at: Date; outcome: string }>(
        `select a.at, a.outcome from delivery_attempts a join deliveries d on d.id = a.delivery_id where d.sink = $1 order by a.id desc limit 1`,
        [sink],
      );
      const [error] = await db.query<{ at: Date; error: string }>(
        `select a.at, a.error from delivery_attempts a join deliveries d on d.id = a.delivery_id where d.sink = $1 and a.error is not null order by a.id desc limit 1`,
        [sink],
      );
      const [counts] = await db.query<{ attempts: number; pending: number; dead: number }>(
        `select (select count(*)::int from delivery_attempts a join deliveries d on d.id = a.delivery_id where d.sink = $1 and a.at > now() - interval '24 hours') as attempts,
                (select count(*)::int from deliveries where sink = $1 and status = 'pending') as pending,
                (select count(*)::int from deliveries where sink = $1 and status = 'dead') as dead`,
        [sink],
      );
      return {
        sink,
        state: !last ? 'unknown' : last.outcome === 'delivered' ? 'connected' : 'failing',
        lastAttemptAt: last?.at ?? null,
        lastError: error?.error ?? null,
        lastErrorAt: error?.at ?? null,
        attempts24h: counts?.attempts ?? 0,
        pending: counts?.pending ?? 0,
        dead: counts?.dead ?? 0,
      } satisfies IntegrationStatus;
    }),
  );
}
