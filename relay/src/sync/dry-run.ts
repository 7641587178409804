// The sink used when no CRM is configured: it builds exactly what each enabled CRM would have
// been sent for the call, after that CRM's policy, and records it, so a new user sees the whole
// pipeline work with no org or portal. Nothing leaves the machine.
import { policyFor, type Config, type RelayFile } from '../config.ts';
import { CallEventError, toCallEvent } from './call-event.ts';
import { applyPolicy } from './policy.ts';
import { collectionsRequest } from './salesforce/collections.ts';
import type { DeliveryItem, DeliveryOutcome, Sink } from './sink.ts';

export type DryRunEntry = { sink: 'salesforce' | 'hubspot'; callId: string; request: unknown };

export type DryRunOptions = {
  integrations: RelayFile['integrations'];
  /** The Salesforce REST API version the request would have used. */
  apiVersion: string;
  record: (entry: DryRunEntry) => Promise<void>;
};

export class DryRunSink implements Sink {
  readonly name = 'dry-run' as const;
  private readonly options: DryRunOptions;

  constructor(options: DryRunOptions) {
    this.options = options;
  }

  /** What each enabled CRM would have received for this call. */
  requestsFor(item: DeliveryItem): DryRunEntry[] {
    const { salesforce, hubspot } = this.options.integrations;
    const { snapshot } = item;
    const entries: DryRunEntry[] = [];
    if (salesforce.enabled) {
      const event = toCallEvent(applyPolicy(snapshot, policyFor(salesforce, snapshot.agentId)));
      // One call per request here; the real sink puts up to 200 calls' records in one body.
      entries.push({ sink: 'salesforce', callId: snapshot.callId, request: collectionsRequest(this.options.apiVersion, [event]) });
    }
    if (hubspot.enabled) {
      entries.push({ sink: 'hubspot', callId: snapshot.callId, request: applyPolicy(snapshot, policyFor(hubspot, snapshot.agentId)) });
    }
    return entries;
  }

  async deliver(items: DeliveryItem[]): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (const item of items) {
      let entries: DryRunEntry[];
      try {
        entries = this.requestsFor(item);
      } catch (error) {
        if (!(error instanceof CallEventError)) throw error;
        outcomes.push({ status: 'failed', error: error.message });
        continue;
      }
      try {
        for (const entry of entries) await this.options.record(entry);
        outcomes.push({ status: 'delivered', detail: entries.map((e) => e.sink).join(', ') || 'no CRM enabled' });
      } catch (error) {
        outcomes.push({ status: 'retry', error: `dry-run record failed: ${(error as Error).message}` });
      }
    }
    return outcomes;
  }
}

export function createDryRunSink(config: Config, record: DryRunOptions['record']): DryRunSink {
  return new DryRunSink({ integrations: config.file.integrations, apiVersion: config.env.SF_API_VERSION, record });
}
