// The HubSpot mapping store on the relay's SQL store, shared by every relay instance.
// Caller lookups (contact-by-phone, contact-by-email) are keyed by an HMAC of the E.164 number
// or lower-cased email: anyone holding LOOKUP_KEY reads them with get().
import { createHmac } from 'node:crypto';
import type { Db } from '../../store/db.ts';
import type { CallStep, CallSteps, HubSpotMappingStore, MappingKind } from './mapping.ts';

export class SqlHubSpotMappings implements HubSpotMappingStore {
  private readonly db: Db;
  private readonly lookupKey: Buffer;

  constructor(db: Db, lookupKey: Buffer) {
    this.db = db;
    this.lookupKey = lookupKey;
  }

  private hash(kind: MappingKind, key: string): string {
    return createHmac('sha256', this.lookupKey).update(`${kind}\u0000${key}`).digest('base64url');
  }

  async get(kind: MappingKind, key: string): Promise<string | null> {
    const [row] = await this.db.query<{ hubspot_id: string }>('select hubspot_id from hubspot_mappings where kind = $1 and key_hash = $2', [kind, this.hash(kind, key)]);
    return row?.hubspot_id ?? null;
  }

  async put(kind: MappingKind, key: string, hubspotId: string): Promise<void> {
    await this.db.query(
      `insert into hubspot_mappings (kind, key_hash, hubspot_id) values ($1, $2, $3)
       on conflict (kind, key_hash) do update set hubspot_id = excluded.hubspot_id, updated_at = now()`,
      [kind, this.hash(kind, key), hubspotId],
    );
  }

  async steps(callIds: string[]): Promise<Map<string, CallSteps>> {
    const out = new Map<string, CallSteps>();
    if (callIds.length === 0) return out;
    const rows = await this.db.query<{ call_id: string; step: CallStep; hubspot_id: string | null; started_at: Date | string; done_at: Date | string | null }>(
      'select call_id, step, hubspot_id, started_at, done_at from hubspot_call_steps where call_id = any($1::text[])',
      [callIds],
    );
    for (const row of rows) {
      const steps = out.get(row.call_id) ?? {};
      steps[row.step] = { done: row.done_at !== null, hubspotId: row.hubspot_id, startedAt: new Date(row.started_at).getTime() };
      out.set(row.call_id, steps);
    }
    return out;
  }

  async begin(step: CallStep, callIds: string[]): Promise<void> {
    if (callIds.length === 0) return;
    await this.db.query(
      `insert into hubspot_call_steps (call_id, step) select unnest($1::text[]), $2
       on conflict (call_id, step) do update set started_at = now() where hubspot_call_steps.done_at is null`,
      [callIds, step],
    );
  }

  async abandon(step: CallStep, callIds: string[]): Promise<void> {
    if (callIds.length === 0) return;
    await this.db.query('delete from hubspot_call_steps where call_id = any($1::text[]) and step = $2 and done_at is null', [callIds, step]);
  }

  async complete(step: CallStep, done: { callId: string; hubspotId: string | null }[]): Promise<void> {
    if (done.length === 0) return;
    await this.db.query(
      `insert into hubspot_call_steps (call_id, step, hubspot_id, done_at)
       select c, $3, h, now() from unnest($1::text[], $2::text[]) as t(c, h)
       on conflict (call_id, step) do update set hubspot_id = excluded.hubspot_id, done_at = now()`,
      [done.map((d) => d.callId), done.map((d) => d.hubspotId), step],
    );
  }
}
