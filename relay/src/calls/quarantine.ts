// The quarantine: work that failed for a reason of its own, set aside with its error and its
// payload (sealed at rest) where an operator sees it (the console, GET /api/quarantine), so that
// one poison event, call or delivery never holds up the others.
import type { Db, Sql } from '../store/db.ts';
import { atRest } from '../privacy/at-rest.ts';

export type QuarantineKind = 'event' | 'batch' | 'call' | 'delivery';

export type QuarantineEntry = { kind: QuarantineKind; callId: string | null; source: string | null; error: string; payload?: unknown };

export type Quarantined = { id: number; kind: QuarantineKind; callId: string | null; source: string | null; error: string; quarantinedAt: Date; payload: unknown };

/** The error's text as the operator sees it: the database's code when it has one. */
export function describeError(error: unknown): string {
  const e = error as { message?: string; code?: unknown };
  const message = e?.message ?? String(error);
  return typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? `${message} (SQLSTATE ${e.code})` : message;
}

// SQLSTATE classes that say nothing about the data: the connection, a deadlock or serialisation
// failure, resources, an operator's intervention, the system. Work failing with these is tried
// again, never quarantined.
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);

/** Whether a failure may pass by itself (the database, not the data): such work is retried. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && TRANSIENT_CLASSES.has(code.slice(0, 2));
}

/**
 * Sets work aside, in the caller's transaction. `payload` is sealed whole; a `sealedPayload` is
 * stored as it is (an intake batch that could not be opened is kept exactly as it was stored).
 */
export async function quarantine(sql: Sql, db: Db, entry: QuarantineEntry & { sealedPayload?: string }): Promise<void> {
  const payload = entry.sealedPayload ?? (entry.payload === undefined ? null : atRest(db).sealedJson(entry.payload));
  await sql.query('insert into quarantine (kind, call_id, source, error, payload) values ($1, $2, $3, $4, $5)', [entry.kind, entry.callId, entry.source, entry.error, payload]);
}

export async function listQuarantine(db: Db, filter: { kind?: QuarantineKind; limit?: number; offset?: number } = {}): Promise<{ entries: Quarantined[]; total: number }> {
  const rows = await db.query<{ id: string; kind: QuarantineKind; call_id: string | null; source: string | null; error: string; payload: string | null; quarantined_at: Date }>(
    `select * from quarantine where ($1::text is null or kind = $1) order by id desc limit $2 offset $3`,
    [filter.kind ?? null, filter.limit ?? 50, filter.offset ?? 0],
  );
  const [count] = await db.query<{ total: number }>('select count(*)::int as total from quarantine where ($1::text is null or kind = $1)', [filter.kind ?? null]);
  const fields = atRest(db);
  const open = (payload: string | null) => {
    if (payload === null) return null;
    try {
      return fields.openSealedJson(payload);
    } catch {
      // A batch set aside because it could not be opened is shown as it is, still sealed.
      return payload;
    }
  };
  return {
    total: count?.total ?? 0,
    entries: rows.map((r) => ({ id: Number(r.id), kind: r.kind, callId: r.call_id, source: r.source, error: r.error, quarantinedAt: r.quarantined_at, payload: open(r.payload) })),
  };
}

/** How many entries of each kind, for the gauge. */
export async function countQuarantine(db: Db): Promise<Record<string, number>> {
  const rows = await db.query<{ kind: string; n: number }>('select kind, count(*)::int as n from quarantine group by kind');
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}
