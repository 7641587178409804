// The portal's request budget kept in the relay's SQL store, so several relays on one
// PostgreSQL share it instead of each taking 90% of the portal's limits. A request is recorded
// before it is sent, in a transaction serialised by an advisory lock, and only while the last
// 10 seconds (and the last second, for searches) and today hold fewer than the budget; the
// database's clock is the one every relay reads. A 429's pause is shared the same way.
import type { Db } from '../../store/db.ts';
import type { Budget, SharedLimits } from './limiter.ts';

const LOCK = 872_309;

export class SqlSharedLimits implements SharedLimits {
  private readonly db: Db;
  private lastPrune = 0;

  constructor(db: Db) {
    this.db = db;
  }

  async reserve(kind: { search: boolean }, budget: Budget): Promise<{ waitMs: number; reason: string }> {
    const result = await this.db.tx(async (sql) => {
      await sql.query('select pg_advisory_xact_lock($1)', [LOCK]);
      const [pause] = await sql.query<{ ms: number; reason: string }>(
        'select greatest(0, extract(epoch from (until - clock_timestamp())) * 1000)::float8 as ms, reason from hubspot_pause where id = 1',
      );
      if (pause && pause.ms > 0) return { waitMs: Math.ceil(pause.ms), reason: pause.reason };
      // How many were sent in each window, and in how many ms the oldest of them leaves it.
      const windowOf = async (ms: number, searchOnly: boolean) => {
        const [row] = await sql.query<{ sent: number; frees_in_ms: number | null }>(
          `select count(*)::int as sent,
                  (extract(epoch from (min(sent_at) - clock_timestamp())) * 1000 + $1)::float8 as frees_in_ms
             from hubspot_requests
            where sent_at > clock_timestamp() - make_interval(secs => $1 / 1000.0) and (search or not $2)`,
          [ms, searchOnly],
        );
        return { sent: row?.sent ?? 0, freesInMs: Math.max(1, Math.ceil(row?.frees_in_ms ?? 1)) };
      };
      const [day] = await sql.query<{ count: number }>('select count from hubspot_daily_requests where day = current_date');
      const recent = await windowOf(budget.windowMs, false);
      const searches = kind.search ? await windowOf(budget.searchWindowMs, true) : { sent: 0, freesInMs: 0 };
      if ((day?.count ?? 0) >= budget.perDay) return { waitMs: 3_600_000, reason: 'daily budget spent (shared)' };
      if (recent.sent >= budget.perTenSeconds) return { waitMs: recent.freesInMs, reason: 'rate limit budget spent (shared)' };
      if (searches.sent >= budget.searchPerSecond) return { waitMs: searches.freesInMs, reason: 'search budget spent (shared)' };
      await sql.query('insert into hubspot_requests (search) values ($1)', [kind.search]);
      await sql.query(
        `insert into hubspot_daily_requests (day, count) values (current_date, 1)
         on conflict (day) do update set count = hubspot_daily_requests.count + 1`,
      );
      return { waitMs: 0, reason: '' };
    });
    if (Date.now() - this.lastPrune > 60_000) {
      this.lastPrune = Date.now();
      await this.db.query("delete from hubspot_requests where sent_at < clock_timestamp() - interval '1 minute'");
    }
    return result;
  }

  async pause(ms: number, reason: string): Promise<void> {
    await this.db.query(
      `insert into hubspot_pause (id, until, reason) values (1, clock_timestamp() + make_interval(secs => $1), $2)
       on conflict (id) do update set until = greatest(hubspot_pause.until, excluded.until),
         reason = case when excluded.until > hubspot_pause.until then excluded.reason else hubspot_pause.reason end`,
      [ms / 1000, reason],
    );
  }
}
