// Keeps calls findable by their caller: the caller key (caller-key.ts) is written when a call is
// analysed (calls/finaliser.ts), and calls analysed before it existed get theirs here, in
// batches, once at start. A call with no usable number gets an empty key so it is not read again.
import { atRest } from '../privacy/at-rest.ts';
import type { Db, Sql } from '../store/db.ts';
import { customerNumber, type CallerKeys } from './caller-key.ts';

/** The key to store for a call; '' when it has no customer number that is a phone. */
export function callerKeyFor(keys: CallerKeys, call: { direction: string; from_number: string | null; to_number: string | null }): string {
  return keys.ofRaw(customerNumber(call)) ?? '';
}

export async function setCallerKey(sql: Sql, callId: string, key: string): Promise<void> {
  await sql.query('update calls set caller_key = $2 where id = $1', [callId, key]);
}

/** Keys the calls analysed without one; returns how many were keyed. */
export async function backfillCallerKeys(db: Db, keys: CallerKeys, batch = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await db.query<{ id: string; direction: string; from_number: string | null; to_number: string | null }>(
      `select id, direction, from_number, to_number from calls where caller_key is null and stage = 'analysed' limit $1`,
      [batch],
    );
    if (rows.length === 0) return total;
    const fields = atRest(db);
    const opened = rows.map((row) => fields.callRow({ ...row, recording_url: null }));
    await db.query('update calls c set caller_key = k.key from unnest($1::text[], $2::text[]) as k(id, key) where c.id = k.id', [
      opened.map((r) => r.id),
      opened.map((r) => callerKeyFor(keys, r)),
    ]);
    total += rows.length;
  }
}
