// Test support only: the HubSpot mapping store in memory. The relay backs it with its SQL store.
import type { HubSpotMappingStore, MappingKind } from '../../src/sync/hubspot/mapping.ts';

export class MemoryMappings implements HubSpotMappingStore {
  readonly entries = new Map<string, string>();

  async get(kind: MappingKind, key: string): Promise<string | null> {
    return this.entries.get(`${kind}:${key}`) ?? null;
  }

  async put(kind: MappingKind, key: string, hubspotId: string): Promise<void> {
    this.entries.set(`${kind}:${key}`, hubspotId);
  }
}
