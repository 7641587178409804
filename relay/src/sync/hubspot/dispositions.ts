// Call outcomes are GUIDs that differ per portal (admins can add their own and rename or
// translate the defaults), so the taxonomy names them by label ("Connected", "Left voicemail")
// and the GUID is looked up at run time from GET /calling/v1/dispositions, cached for an hour.
// A portal whose outcomes were renamed or localised still has HubSpot's default outcomes under
// their documented GUIDs (the calls guide lists them), so a label that matches nothing falls
// back to the default GUID for that English label, when the portal still has it.
import type { HubSpotApi } from './api.ts';

const TTL_MS = 3_600_000;

/** HubSpot's default call outcomes and their GUIDs (calls guide, "call outcomes"). */
export const DEFAULT_OUTCOME_GUIDS: Record<string, string> = {
  busy: '9d9162e7-6cf3-4944-bf63-4dff82258764',
  connected: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
  'left live message': 'a4c4c377-d246-4b32-a13b-75a56a4cd0ff',
  'left voicemail': 'b2cf5968-551e-4856-9783-52b3da59a7d0',
  'no answer': '73a0d17f-1163-4015-bdd5-ec830791da20',
  'wrong number': '17b47fee-58de-441e-a44c-c6300d46f273',
};

export class DispositionCatalog {
  private readonly api: HubSpotApi;
  private readonly now: () => number;
  private byLabel: Map<string, string> | null = null;
  private ids = new Set<string>();
  private loadedAt = 0;

  constructor(api: HubSpotApi, now: () => number = Date.now) {
    this.api = api;
    this.now = now;
  }

  /** The portal's GUID for an outcome label, or null when the portal has no such outcome. */
  async guidFor(label: string): Promise<string | null> {
    if (!this.byLabel || this.now() - this.loadedAt > TTL_MS) {
      const live = (await this.api.dispositions()).filter((d) => !d.deleted);
      this.byLabel = new Map(live.map((d) => [d.label.trim().toLowerCase(), d.id]));
      this.ids = new Set(live.map((d) => d.id));
      this.loadedAt = this.now();
    }
    const key = label.trim().toLowerCase();
    const fallback = DEFAULT_OUTCOME_GUIDS[key];
    return this.byLabel.get(key) ?? (fallback && this.ids.has(fallback) ? fallback : null);
  }
}
