// The lead status options this portal offers. Admins rename, remove and add hs_lead_status
// options; writing a value the portal lacks makes HubSpot refuse the whole contact write, so
// the sink writes only offered values and records the rest on the call. Read from the
// property definition, cached for an hour (`hubspot setup` reports missing ones up front).
import type { HubSpotApi } from './api.ts';

const TTL_MS = 3_600_000;

export class LeadStatusOptions {
  private readonly api: HubSpotApi;
  private readonly now: () => number;
  private offered: Set<string> | null = null;
  private loadedAt = 0;

  constructor(api: HubSpotApi, now: () => number = Date.now) {
    this.api = api;
    this.now = now;
  }

  async values(): Promise<ReadonlySet<string>> {
    if (!this.offered || this.now() - this.loadedAt > TTL_MS) {
      const property = await this.api.property('contacts', 'hs_lead_status');
      this.offered = new Set(property?.options.map((o) => o.value) ?? []);
      this.loadedAt = this.now();
    }
    return this.offered;
  }
}
