// The relay's own memory of what it wrote to HubSpot. HubSpot's search index lags writes by
// seconds to minutes, so a caller who rings back right after their first call may not be
// found by search; the relay remembers instead. Backed by the relay's SQL store in production.
export type MappingKind =
  /** E.164 caller number -> contact id. */
  | 'contact-by-phone'
  /** Lower-cased email -> contact id. */
  | 'contact-by-email'
  /** Relay call id -> call engagement id, written once everything for the call is done. */
  | 'call'
  /** Relay call id -> transcript id, so a transcript is never sent twice. */
  | 'transcript';

export interface HubSpotMappingStore {
  get(kind: MappingKind, key: string): Promise<string | null>;
  put(kind: MappingKind, key: string, hubspotId: string): Promise<void>;
}
