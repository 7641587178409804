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

/**
 * The writes a call needs, in order. HubSpot has no unique-value properties on calls or tasks,
 * so nothing in HubSpot stops a retry from creating a second one: the relay records each step
 * as it goes instead. A step is `started` just before its request and `done` with the record's
 * id once HubSpot answered; a step left `started` had a request whose outcome is unknown.
 */
export type CallStep = 'contact' | 'call' | 'task';
export type StepState = { done: boolean; hubspotId: string | null; startedAt: number };
export type CallSteps = Partial<Record<CallStep, StepState>>;

export interface HubSpotMappingStore {
  get(kind: MappingKind, key: string): Promise<string | null>;
  put(kind: MappingKind, key: string, hubspotId: string): Promise<void>;
  /** The recorded steps of each call (calls with none are absent). */
  steps(callIds: string[]): Promise<Map<string, CallSteps>>;
  /** Marks the step started for these calls, unless it is already done. */
  begin(step: CallStep, callIds: string[]): Promise<void>;
  /** Forgets a started step whose request HubSpot refused outright: nothing was written. */
  abandon(step: CallStep, callIds: string[]): Promise<void>;
  /** Marks the step done with the HubSpot record it wrote (or null: nothing to write). */
  complete(step: CallStep, done: { callId: string; hubspotId: string | null }[]): Promise<void>;
}
