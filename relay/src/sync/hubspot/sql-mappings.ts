// The HubSpot mapping store on the relay's SQL store, shared by every relay instance.
import { createHmac } from 'node:crypto';
import type { Db } from '../../store/db.ts';
import type { HubSpotMappingStore, MappingKind } from './mapping.ts';

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
}
