// Re-encryption after a key rotation: every sealed value still under an older key is opened and
// sealed again under the active key, a batch of rows at a time, while the relay keeps running.
// Each row is written back only if it has not changed since it was read, so a concurrent
// webhook or finalisation is never overwritten (the row is simply picked up by the next batch).
import type { Db } from '../store/db.ts';
import { KeyRing } from './encryption.ts';

type Table = { name: string; key: string[]; columns: string[]; json: string[] };

// Every column that can hold a sealed value (see at-rest.ts).
const TABLES: Table[] = [
  { name: 'intake', key: ['id'], columns: ['body'], json: [] },
  { name: 'call_events', key: ['call_id', 'event', 'sequence'], columns: ['payload'], json: ['payload'] },
  { name: 'calls', key: ['id'], columns: ['from_number', 'to_number', 'recording_url', 'analysis'], json: ['analysis'] },
  { name: 'deliveries', key: ['id'], columns: ['snapshot'], json: ['snapshot'] },
  { name: 'dry_run_requests', key: ['id'], columns: ['request'], json: ['request'] },
  { name: 'quarantine', key: ['id'], columns: ['payload'], json: [] },
];

function reseal(value: unknown, ring: KeyRing): unknown {
  if (typeof value === 'string') return ring.isStale(value) ? ring.seal(ring.open(value)) : value;
  if (Array.isArray(value)) return value.map((v) => reseal(v, ring));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reseal(v, ring)]));
  return value;
}

export type RekeyResult = { activeKeyId: string; rows: Record<string, number> };

export async function reencryptAll(db: Db, ring: KeyRing, batch = 200): Promise<RekeyResult> {
  const staleIds = ring.ids.filter((id) => id !== ring.activeId);
  const rows: Record<string, number> = {};
  if (staleIds.length === 0) return { activeKeyId: ring.activeId, rows };
  // LIKE patterns for values under any older key; `_` in an id only widens the match, never narrows it.
  const patterns = staleIds.map((id) => `%enc:v1:${id}:%`);
  for (const table of TABLES) {
    rows[table.name] = 0;
    const anyStale = table.columns.map((c) => `${c}::text like any($1)`).join(' or ');
    for (;;) {
      const found = await db.query<Record<string, unknown>>(`select ${[...table.key, ...table.columns].join(', ')} from ${table.name} where ${anyStale} limit ${batch}`, [patterns]);
      if (found.length === 0) break;
      let written = 0;
      for (const row of found) {
        const params: unknown[] = [];
        const sets = table.columns.map((c) => {
          const isJson = table.json.includes(c);
          const next = reseal(row[c], ring);
          params.push(isJson && next !== null ? JSON.stringify(next) : next);
          return `${c} = $${params.length}${isJson ? '::jsonb' : ''}`;
        });
        const unchanged = table.columns.map((c) => {
          const isJson = table.json.includes(c);
          params.push(isJson && row[c] !== null ? JSON.stringify(row[c]) : row[c]);
          return `${c} is not distinct from $${params.length}${isJson ? '::jsonb' : '::text'}`;
        });
        const keys = table.key.map((k) => {
          params.push(row[k]);
          return `${k} = $${params.length}`;
        });
        const updated = await db.query(`update ${table.name} set ${sets.join(', ')} where ${[...keys, ...unchanged].join(' and ')} returning 1`, params);
        written += updated.length;
      }
      rows[table.name]! += written;
      // Every row found changed under us: stop rather than spin; the next run picks them up.
      if (written === 0) break;
    }
  }
  return { activeKeyId: ring.activeId, rows };
}
