// The contract between the outbox and a CRM. A sink receives a batch of due deliveries and
// answers one outcome per item, in order, so one bad record never makes a whole batch retry.
import type { CallSnapshot } from './snapshot.ts';

export type SinkName = 'salesforce' | 'hubspot' | 'dry-run';

export type DeliveryItem = {
  deliveryId: string;
  /** 1 on the first try. */
  attempt: number;
  snapshot: CallSnapshot;
};

export type DeliveryOutcome =
  | { status: 'delivered'; detail?: string }
  /** Transient: try again later; retryAfterMs when the server said how long to wait. */
  | { status: 'retry'; error: string; retryAfterMs?: number }
  /** Permanent: retrying cannot help; goes to the dead letters at once. */
  | { status: 'failed'; error: string };

/** One measure of API consumption against a CRM limit, for the console's integration status. */
export type ApiUsage = { measure: string; used: number; limit: number };

export interface Sink {
  readonly name: SinkName;
  deliver(items: DeliveryItem[]): Promise<DeliveryOutcome[]>;
  /** How long the sink wants no work (pacing under an API limit); waiting spends no tries. */
  pausedForMs?(): number;
  /** What the sink knows of its API usage against the CRM's limits (empty before the first request). */
  apiUsage?(): ApiUsage[];
  close?(): Promise<void>;
}
