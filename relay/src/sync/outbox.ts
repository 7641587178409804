// The outbox: deliveries written in the same transaction that finalises a call, claimed by
// workers with FOR UPDATE SKIP LOCKED (so several relay instances sharing one PostgreSQL never
// take the same delivery), retried with jittered exponential backoff, dead-lettered after the
// last try, and replayable from there.
import type { Logger } from 'pino';
import type { Db, Sql } from '../store/db.ts';
import type { RelayFile } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import { atRest, type FieldCipher } from '../privacy/at-rest.ts';
import { describeError, quarantine } from '../calls/quarantine.ts';
import type { DeliveryItem, DeliveryOutcome, Sink, SinkName } from './sink.ts';
import { CallSnapshot } from './snapshot.ts';

type DeliveryPolicy = RelayFile['delivery'];

type Claimed = DeliveryItem & { callEndedAt: Date | null };

export type DeadLetter = { deliveryId: number; callId: string; sink: string; attempts: number; error: string; deadAt: Date };

export function backoffMs(attempt: number, policy: DeliveryPolicy, retryAfterMs: number | undefined, random = Math.random): number {
  const exponential = Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** Math.max(0, attempt - 1));
  // Jitter spreads retries of a batch that failed together, so they do not return together.
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

export class Outbox {
  private readonly db: Db;
  private readonly policy: DeliveryPolicy;
  private readonly metrics: Metrics;
  private readonly log: Logger;

  /** This instance's lease key (store/leases.ts), so a claimed batch is released as soon as its holder dies. */
  private readonly leaseOwner: number | null;

  constructor(db: Db, policy: DeliveryPolicy, metrics: Metrics, log: Logger, leaseOwner: number | null = null) {
    this.db = db;
    this.policy = policy;
    this.metrics = metrics;
    this.log = log;
    this.leaseOwner = leaseOwner;
  }

  /**
   * Called inside the finalising transaction; a second enqueue of the same call and sink is a no-op.
   * `fields` is the store's at-rest cipher (`atRest(db)`): the snapshot is stored sealed.
   */
  static async enqueue(sql: Sql, snapshot: CallSnapshot, sinks: SinkName[], callEndedAt: Date | null, fields?: FieldCipher): Promise<void> {
    for (const sink of sinks) {
      await sql.query(
        `insert into deliveries (call_id, sink, event_type, snapshot, call_ended_at) values ($1, $2, $3, $4, $5)
         on conflict (call_id, sink, event_type) do nothing`,
        [snapshot.callId, sink, snapshot.eventType, JSON.stringify(fields ? fields.json(snapshot) : snapshot), callEndedAt],
      );
    }
  }

  /** How many deliveries are due now. */
  async due(sink: SinkName): Promise<{ count: number }> {
    const [row] = await this.db.query<{ count: number }>(
      `select count(*)::int as count from deliveries
       where sink = $1 and status = 'pending' and next_attempt_at <= now() and (lease_until is null or lease_until < now())`,
      [sink],
    );
    return { count: row?.count ?? 0 };
  }

  async claim(sink: SinkName, limit: number, leaseSeconds = this.policy.leaseSeconds): Promise<Claimed[]> {
    const rows = await this.db.query<{ id: string; attempts: number; snapshot: unknown; call_ended_at: Date | null }>(
      `update deliveries set lease_until = now() + make_interval(secs => $3::float8), lease_owner = $4, attempts = attempts + 1
       where id in (select id from deliveries where sink = $1 and status = 'pending' and next_attempt_at <= now()
                    and (lease_until is null or lease_until < now())
                    order by next_attempt_at, id limit $2 for update skip locked)
       returning id, attempts, snapshot, call_ended_at`,
      [sink, limit, leaseSeconds, this.leaseOwner],
    );
    const claimed: Claimed[] = [];
    const unreadable: { id: string; attempts: number; error: string }[] = [];
    for (const r of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
      try {
        claimed.push({ deliveryId: String(r.id), attempt: r.attempts, snapshot: CallSnapshot.parse(atRest(this.db).openJson(r.snapshot)), callEndedAt: r.call_ended_at });
      } catch (error) {
        unreadable.push({ id: String(r.id), attempts: r.attempts, error: `snapshot could not be read: ${describeError(error)}` });
      }
    }
    if (unreadable.length > 0) await this.setAsideUnreadable(sink, unreadable);
    return claimed;
  }

  /**
   * A delivery whose stored snapshot cannot be read (its key is gone, its text damaged) would fail
   * the same way on every try, and once failed the whole claim: it goes to the dead letters at once
   * and is recorded in the quarantine, and the rest of the batch goes on.
   */
  private async setAsideUnreadable(sink: SinkName, rows: { id: string; attempts: number; error: string }[]): Promise<void> {
    await this.db.tx(async (sql) => {
      for (const row of rows) {
        const [delivery] = await sql.query<{ call_id: string }>(`update deliveries set status = 'dead', lease_until = null, last_error = $2 where id = $1 returning call_id`, [row.id, row.error]);
        const callId = delivery?.call_id ?? null;
        await sql.query(
          `insert into dead_letters (delivery_id, call_id, sink, attempts, error) values ($1, $2, $3, $4, $5)
           on conflict (delivery_id) do update set attempts = excluded.attempts, error = excluded.error, dead_at = now()`,
          [row.id, callId, sink, row.attempts, row.error],
        );
        await quarantine(sql, this.db, { kind: 'delivery', callId, source: sink, error: row.error });
        this.metrics.deliveries.labels(sink, 'dead_lettered').inc();
        this.metrics.quarantinedTotal.labels('delivery').inc();
        this.log.error({ sink, deliveryId: row.id, error: row.error }, 'delivery quarantined: its snapshot cannot be read');
      }
    });
  }

  /** Records each outcome: delivered, rescheduled with backoff, or dead-lettered. */
  async settle(sink: SinkName, items: Claimed[], outcomes: DeliveryOutcome[], latencyMs: number): Promise<void> {
    const now = Date.now();
    await this.db.tx(async (sql) => {
      for (const [i, item] of items.entries()) {
        const outcome: DeliveryOutcome = outcomes[i] ?? { status: 'retry', error: 'sink returned no outcome for this item' };
        const error = outcome.status === 'delivered' ? null : outcome.error;
        let recorded: string = outcome.status;
        if (outcome.status === 'delivered') {
          await sql.query(`update deliveries set status = 'delivered', delivered_at = now(), lease_until = null, last_error = null where id = $1`, [item.deliveryId]);
          if (item.callEndedAt) this.metrics.publishLatency.labels(sink).observe(Math.max(0, now - item.callEndedAt.getTime()) / 1000);
        } else if (outcome.status === 'retry' && item.attempt < this.policy.maxAttempts) {
          const delay = backoffMs(item.attempt, this.policy, outcome.retryAfterMs);
          await sql.query(
            `update deliveries set lease_until = null, last_error = $2, next_attempt_at = now() + make_interval(secs => $3::float8) where id = $1`,
            [item.deliveryId, outcome.error, delay / 1000],
          );
        } else {
          recorded = 'dead_lettered';
          await sql.query(`update deliveries set status = 'dead', lease_until = null, last_error = $2 where id = $1`, [item.deliveryId, error]);
          await sql.query(
            `insert into dead_letters (delivery_id, call_id, sink, attempts, error) values ($1, $2, $3, $4, $5)
             on conflict (delivery_id) do update set attempts = excluded.attempts, error = excluded.error, dead_at = now()`,
            [item.deliveryId, item.snapshot.callId, sink, item.attempt, error],
          );
          this.log.warn({ sink, deliveryId: item.deliveryId, attempts: item.attempt, error }, 'delivery dead-lettered');
        }
        // The run log's request summary: which event, in how big a batch, and what the sink said of it.
        const summary = `${item.snapshot.eventType} in a batch of ${items.length}${outcome.status === 'delivered' && outcome.detail ? `: ${outcome.detail}` : ''}`;
        await sql.query(`insert into delivery_attempts (delivery_id, attempt, outcome, error, latency_ms, request_summary) values ($1, $2, $3, $4, $5, $6)`, [
          item.deliveryId,
          item.attempt,
          recorded,
          error,
          Math.round(latencyMs),
          summary,
        ]);
        this.metrics.deliveries.labels(sink, recorded).inc();
      }
    });
  }

  /** Claims one batch, hands it to the sink and records the outcomes. Returns how many were tried. */
  async runOnce(sink: Sink, limit = this.policy.batchSize): Promise<number> {
    const items = await this.claim(sink.name, limit);
    if (items.length === 0) return 0;
    const started = performance.now();
    let outcomes: DeliveryOutcome[];
    try {
      outcomes = await sink.deliver(items);
    } catch (error) {
      // A sink answers per item; one that throws has not said what became of each, and the item it
      // failed on would fail every batch it is in. So each is tried alone: an item that fails the
      // sink alone is retried with backoff and dead-lettered after its last try, never taking the
      // others with it.
      this.log.error({ sink: sink.name, items: items.length, err: error }, 'sink failed on a batch; trying each delivery alone');
      outcomes = items.length === 1 ? [{ status: 'retry', error: describeError(error) }] : await this.deliverEachAlone(sink, items);
    }
    await this.settle(sink.name, items, outcomes, performance.now() - started);
    return items.length;
  }

  private async deliverEachAlone(sink: Sink, items: Claimed[]): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (const item of items) {
      try {
        outcomes.push((await sink.deliver([item]))[0] ?? { status: 'retry', error: 'sink returned no outcome for this item' });
      } catch (error) {
        outcomes.push({ status: 'retry', error: describeError(error) });
      }
    }
    return outcomes;
  }

  async deadLetters(filter: { sink?: string; errorContains?: string } = {}): Promise<DeadLetter[]> {
    const rows = await this.db.query<{ delivery_id: string; call_id: string; sink: string; attempts: number; error: string; dead_at: Date }>(
      `select * from dead_letters where ($1::text is null or sink = $1) and ($2::text is null or error ilike '%' || $2 || '%') order by dead_at`,
      [filter.sink ?? null, filter.errorContains ?? null],
    );
    return rows.map((r) => ({ deliveryId: Number(r.delivery_id), callId: r.call_id, sink: r.sink, attempts: r.attempts, error: r.error, deadAt: r.dead_at }));
  }

  /** Puts dead letters back in the queue with a fresh set of tries: one by id, by error text, or all. */
  async replay(selector: { deliveryId: number } | { errorContains: string } | { all: true }): Promise<number> {
    return this.db.tx(async (sql) => {
      const rows = await sql.query<{ delivery_id: string }>(
        `delete from dead_letters where ($1::bigint is null or delivery_id = $1) and ($2::text is null or error ilike '%' || $2 || '%') returning delivery_id`,
        ['deliveryId' in selector ? selector.deliveryId : null, 'errorContains' in selector ? selector.errorContains : null],
      );
      for (const row of rows) {
        await sql.query(`update deliveries set status = 'pending', attempts = 0, next_attempt_at = now(), lease_until = null where id = $1`, [row.delivery_id]);
      }
      return rows.length;
    });
  }

  /** Share of the last hour's finished deliveries that were dead-lettered. */
  async deadLetterRate(): Promise<{ finished: number; dead: number }> {
    const [row] = await this.db.query<{ finished: number; dead: number }>(
      `select count(*) filter (where outcome in ('delivered', 'dead_lettered'))::int as finished,
              count(*) filter (where outcome = 'dead_lettered')::int as dead
       from delivery_attempts where at > now() - interval '1 hour'`,
    );
    return { finished: row?.finished ?? 0, dead: row?.dead ?? 0 };
  }

  async refreshGauges(): Promise<void> {
    const rows = await this.db.query<{ sink: string; pending: number; dead: number }>(
      `select sink, count(*) filter (where status = 'pending')::int as pending, count(*) filter (where status = 'dead')::int as dead from deliveries group by sink`,
    );
    for (const r of rows) {
      this.metrics.queueDepth.labels(r.sink).set(r.pending);
      this.metrics.deadLetters.labels(r.sink).set(r.dead);
    }
  }
}
