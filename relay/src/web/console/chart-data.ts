// The figures behind the overview's charts, from the store: calls per hour by outcome, the
// intent mix, call-end-to-CRM latency and dead letters per day. Deleted calls are not counted.
import type { Db } from '../../store/db.ts';

export type Series = { key: string; values: number[] };
export type ChartData = { categories: string[]; series: Series[] };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Latency buckets in seconds: the upper bound of each, the last open-ended. */
export const LATENCY_BUCKETS = [1, 2, 5, 10, 30, 60, 300] as const;

/** Rows of (bucket index, series key, count) as one series per key, keys in order. */
function bucketed(rows: { i: number; key: string; n: number }[], length: number): Series[] {
  const byKey = new Map<string, number[]>();
  for (const row of rows) {
    if (row.i < 0 || row.i >= length) continue;
    if (!byKey.has(row.key)) byKey.set(row.key, new Array<number>(length).fill(0));
    byKey.get(row.key)![row.i]! += row.n;
  }
  return [...byKey].sort(([a], [b]) => a.localeCompare(b)).map(([key, values]) => ({ key, values }));
}

function hourLabel(at: Date): string {
  return `${String(at.getUTCHours()).padStart(2, '0')}:00`;
}

/** The last 24 whole hours (UTC) up to now, oldest first, by the call's outcome. */
export async function callsPerHour(db: Db, now = new Date()): Promise<ChartData> {
  const start = Math.floor(now.getTime() / HOUR) * HOUR - 23 * HOUR;
  // Buckets are counted from `start` in SQL, so neither engine's time zone setting matters.
  const rows = await db.query<{ i: number; key: string; n: number }>(
    `select floor((extract(epoch from ended_at) - $1) / 3600)::int as i, coalesce(analysis->'insights'->>'disposition', 'not analysed') as key, count(*)::int as n
     from calls where ended_at >= $2 and stage <> 'deleted' group by 1, 2`,
    [start / 1000, new Date(start)],
  );
  const hours = Array.from({ length: 24 }, (_, i) => new Date(start + i * HOUR));
  return { categories: hours.map(hourLabel), series: bucketed(rows, 24) };
}

/** Calls of the last 7 days by intent, commonest first. */
export async function intentMix(db: Db): Promise<ChartData> {
  const rows = await db.query<{ intent: string; n: number }>(
    `select coalesce(analysis->'insights'->>'intent', 'not analysed') as intent, count(*)::int as n
     from calls where ended_at >= now() - interval '7 days' and stage <> 'deleted' group by 1 order by 2 desc, 1`,
  );
  return { categories: rows.map((r) => r.intent), series: [{ key: 'calls', values: rows.map((r) => r.n) }] };
}

/** Calls delivered in the last 24 hours, by seconds from call end to the CRM accepting them. */
export async function latencyHistogram(db: Db): Promise<ChartData> {
  const [row] = await db.query<Record<string, number>>(
    `select ${[...LATENCY_BUCKETS, Infinity]
      .map((upper, i) => {
        const lower = i === 0 ? 0 : LATENCY_BUCKETS[i - 1]!;
        const bound = Number.isFinite(upper) ? ` and s < ${upper}` : '';
        return `count(*) filter (where s >= ${lower}${bound})::int as b${i}`;
      })
      .join(', ')}
     from (select extract(epoch from delivered_at - call_ended_at) as s from deliveries
           where status = 'delivered' and event_type = 'call_completed' and call_ended_at is not null
             and delivered_at > now() - interval '24 hours') d`,
  );
  const categories = [...LATENCY_BUCKETS.map((upper, i) => `${i === 0 ? 0 : LATENCY_BUCKETS[i - 1]}–${upper}`), `${LATENCY_BUCKETS.at(-1)}+`];
  return { categories, series: [{ key: 'calls', values: categories.map((_, i) => row?.[`b${i}`] ?? 0) }] };
}

/** Deliveries dead-lettered on each of the last 14 days (UTC), oldest first, by CRM. */
export async function deadLettersPerDay(db: Db, now = new Date()): Promise<ChartData> {
  const start = Math.floor(now.getTime() / DAY) * DAY - 13 * DAY;
  const rows = await db.query<{ i: number; key: string; n: number }>(
    `select floor((extract(epoch from a.at) - $1) / 86400)::int as i, d.sink as key, count(*)::int as n
     from delivery_attempts a join deliveries d on d.id = a.delivery_id
     where a.outcome = 'dead_lettered' and a.at >= $2 group by 1, 2`,
    [start / 1000, new Date(start)],
  );
  const days = Array.from({ length: 14 }, (_, i) => new Date(start + i * DAY));
  return { categories: days.map((d) => d.toISOString().slice(5, 10)), series: bucketed(rows, 14) };
}
