// Call outcomes are GUIDs that differ per portal (admins can add their own), so the taxonomy
// names them by label ("Connected", "Left voicemail") and the GUID is looked up at run time
// from GET /calling/v1/dispositions, cached for an hour.
import type { HubSpotApi } from './api.ts';

const TTL_MS = 3_600_000;

export class DispositionCatalog {
  private readonly api: HubSpotApi;
  private readonly now: () => number;
  private byLabel: Map<string, string> | null = null;
  private loadedAt = 0;

  constructor(api: HubSpotApi, now: () => number = Date.now) {
    this.api = api;
    this.now = now;
  }

  /** The portal's GUID for an outcome label, or null when the portal has no such outcome. */
  async guidFor(label: string): Promise<string | null> {
    if (!this.byLabel || this.now() - this.loadedAt > TTL_MS) {
      const list = await this.api.dispositions();
      this.byLabel = new Map(list.filter((d) => !d.deleted).map((d) => [d.label.trim().toLowerCase(), d.id]));
      this.loadedAt = this.now();
    }
    return this.byLabel.get(label.trim().toLowerCase()) ?? null;
  }
}
