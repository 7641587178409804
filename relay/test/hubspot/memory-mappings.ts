// Test support only: the HubSpot mapping store in memory. The relay backs it with its SQL store.
import type { CallStep, CallSteps, HubSpotMappingStore, MappingKind } from '../../src/sync/hubspot/mapping.ts';

export class MemoryMappings implements HubSpotMappingStore {
  readonly entries = new Map<string, string>();
  readonly callSteps = new Map<string, CallSteps>();

  async get(kind: MappingKind, key: string): Promise<string | null> {
    return this.entries.get(`${kind}:${key}`) ?? null;
  }

  async put(kind: MappingKind, key: string, hubspotId: string): Promise<void> {
    this.entries.set(`${kind}:${key}`, hubspotId);
  }

  async steps(callIds: string[]): Promise<Map<string, CallSteps>> {
    return new Map(callIds.flatMap((id) => (this.callSteps.has(id) ? [[id, structuredClone(this.callSteps.get(id) ?? {})] as const] : [])));
  }

  async begin(step: CallStep, callIds: string[]): Promise<void> {
    for (const id of callIds) {
      const steps = this.callSteps.get(id) ?? {};
      if (!steps[step]?.done) steps[step] = { done: false, hubspotId: null, startedAt: Date.now() };
      this.callSteps.set(id, steps);
    }
  }

  async abandon(step: CallStep, callIds: string[]): Promise<void> {
    for (const id of callIds) {
      const steps = this.callSteps.get(id);
      if (steps && !steps[step]?.done) delete steps[step];
    }
  }

  async complete(step: CallStep, done: { callId: string; hubspotId: string | null }[]): Promise<void> {
    for (const { callId, hubspotId } of done) {
      const steps = this.callSteps.get(callId) ?? {};
      steps[step] = { done: true, hubspotId, startedAt: steps[step]?.startedAt ?? Date.now() };
      this.callSteps.set(callId, steps);
    }
  }
}
