// The Salesforce sink: each call becomes one Call_Event__e, published in sObject Collections
// requests of up to 200, and every call gets its own outcome from its own per-record result.
// All record writes happen in the org's subscriber, which upserts by Call_Id__c, so an event
// that reaches the org twice (a timeout after Salesforce accepted it) changes nothing there.
import type { Logger } from 'pino';
import { policyFor, type Config, type Integration } from '../../config.ts';
import type { Metrics } from '../../metrics.ts';
import { CallEventError, toCallEvent, type CallEvent } from '../call-event.ts';
import { applyPolicy } from '../policy.ts';
import type { ApiUsage, DeliveryItem, DeliveryOutcome, Sink } from '../sink.ts';
import { ApiBudget, type ApiBudgetOptions } from './budget.ts';
import { SalesforceAuthError } from './auth.ts';
import { SalesforceClient, SalesforceTransportError } from './client.ts';
import { ApiErrors, COLLECTIONS_MAX_RECORDS, SaveResults, collectionsRequest, recordOutcome, retryAfterMs } from './collections.ts';
import { salesforceCredentials } from './credentials.ts';

/**
 * A request is also closed once its body reaches this size. Events are about 2 KB, so 200 fit
 * easily; only full transcripts (up to several hundred KB each) make a request split, keeping
 * any one upload small enough to finish well inside the request timeout.
 */
const MAX_REQUEST_BYTES = 6_000_000;

/** When the org says REQUEST_LIMIT_EXCEEDED without a Retry-After. */
const REQUEST_LIMIT_PAUSE_MS = 15 * 60_000;

export type SalesforceSinkOptions = {
  client: SalesforceClient;
  integration: Integration;
  log: Logger;
  /** Records per request, at most 200. */
  batchSize?: number;
  maxRequestBytes?: number;
  budget?: ApiBudgetOptions;
  now?: () => number;
};

type Prepared = { index: number; event: CallEvent; bytes: number };

/** Consecutive groups of at most `size` records and about `maxBytes` of body each. */
function chunks(prepared: Prepared[], size: number, maxBytes: number): Prepared[][] {
  const groups: Prepared[][] = [];
  let current: Prepared[] = [];
  let bytes = 0;
  for (const p of prepared) {
    if (current.length > 0 && (current.length === size || bytes + p.bytes > maxBytes)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += p.bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export class SalesforceSink implements Sink {
  readonly name = 'salesforce' as const;
  readonly client: SalesforceClient;
  private readonly integration: Integration;
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly maxRequestBytes: number;
  private readonly budget: ApiBudget;
  private readonly now: () => number;

  constructor(options: SalesforceSinkOptions) {
    this.client = options.client;
    this.integration = options.integration;
    this.log = options.log;
    this.batchSize = Math.min(options.batchSize ?? COLLECTIONS_MAX_RECORDS, COLLECTIONS_MAX_RECORDS);
    this.maxRequestBytes = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
    this.budget = new ApiBudget(options.budget);
    this.now = options.now ?? Date.now;
  }

  /** HTTP requests made so far, token requests included. */
  get requestCount(): number {
    return this.client.requests;
  }

  /** How long the sink will hold off before its next request; a delivery loop can sleep this instead of claiming. */
  pausedForMs(): number {
    return this.budget.waitMs(this.now());
  }

  /** The org's rolling 24-hour API usage, as its last answer reported it (shared with every other integration). */
  apiUsage(): ApiUsage[] {
    const usage = this.client.apiUsage;
    return usage ? [{ measure: 'org API requests, last 24 hours', used: usage.used, limit: usage.limit }] : [];
  }

  async deliver(items: DeliveryItem[]): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = new Array(items.length);
    const prepared: Prepared[] = [];
    for (const [index, item] of items.entries()) {
      try {
        const policy = policyFor(this.integration, item.snapshot.agentId);
        const event = toCallEvent(applyPolicy(item.snapshot, policy));
        prepared.push({ index, event, bytes: Buffer.byteLength(JSON.stringify(event), 'utf8') });
      } catch (error) {
        if (!(error instanceof CallEventError)) throw error;
        // The same snapshot would fail the same way on every try.
        outcomes[index] = { status: 'failed', error: error.message };
      }
    }
    // After a request the org could not take (no answer, 5xx, limits), the rest of this batch
    // waits for the retry instead of each spending its own timeout against an org in trouble.
    let trouble: string | null = null;
    for (const chunk of chunks(prepared, this.batchSize, this.maxRequestBytes)) {
      const wait = this.budget.waitMs(this.now());
      let results: DeliveryOutcome[];
      if (wait > 0) results = chunk.map(() => ({ status: 'retry', error: 'holding off to keep within the org\'s API allocation', retryAfterMs: wait }));
      else if (trouble) results = chunk.map(() => ({ status: 'retry', error: `not sent after an earlier request failed (${trouble})` }));
      else {
        const published = await this.publish(chunk.map((p) => p.event));
        results = published.outcomes;
        trouble = published.trouble;
      }
      chunk.forEach((p, i) => (outcomes[p.index] = results[i]!));
    }
    return outcomes;
  }

  /** Per-record outcomes, and what went wrong with the org if the request as a whole failed for a passing reason. */
  private async publish(events: CallEvent[]): Promise<{ outcomes: DeliveryOutcome[]; trouble: string | null }> {
    const all = (outcome: DeliveryOutcome) => events.map(() => outcome);
    const request = collectionsRequest(this.client.apiVersion, events);
    let response;
    try {
      response = await this.client.send(request.method, request.path, request.body);
    } catch (error) {
      if (error instanceof SalesforceTransportError || error instanceof SalesforceAuthError) {
        this.log.warn({ records: events.length, err: error }, 'salesforce publish did not complete');
        return { outcomes: all({ status: 'retry', error: error.message }), trouble: error.message };
      }
      throw error;
    } finally {
      this.budget.observe(this.client.apiUsage, this.now());
    }

    if (response.status === 200 || response.status === 201) {
      const results = SaveResults.safeParse(response.body);
      if (!results.success || results.data.length !== events.length) {
        // Which records were taken is unknown; publishing them again is safe because the org upserts by call id.
        return { outcomes: all({ status: 'retry', error: `unreadable sObject Collections answer (${events.length} records sent)` }), trouble: null };
      }
      return { outcomes: results.data.map(recordOutcome), trouble: null };
    }

    const errors = ApiErrors.safeParse(response.body);
    const first = errors.success ? errors.data[0] : undefined;
    // Request-level messages name fields and limits; they are cut short in case one echoes the body.
    const error = `HTTP ${response.status}${first ? ` ${first.errorCode}: ${first.message.slice(0, 300)}` : ''}`;
    const after = retryAfterMs(response.headers.get('retry-after'), this.now());
    this.log.warn({ status: response.status, errorCode: first?.errorCode, records: events.length }, 'salesforce publish refused');

    if (first?.errorCode === 'REQUEST_LIMIT_EXCEEDED') {
      const pause = after ?? REQUEST_LIMIT_PAUSE_MS;
      this.budget.pause(pause, this.now());
      return { outcomes: all({ status: 'retry', error, retryAfterMs: pause }), trouble: error };
    }
    if (response.status === 401 || response.status === 429 || response.status >= 500) {
      if (after !== undefined) this.budget.pause(after, this.now());
      return { outcomes: all({ status: 'retry', error, ...(after !== undefined ? { retryAfterMs: after } : {}) }), trouble: error };
    }
    // 400 (INVALID_FIELD, JSON_PARSER_ERROR...), 403 without a limit, 404: the request itself is wrong for this org.
    return { outcomes: all({ status: 'failed', error }), trouble: null };
  }
}

export type SalesforceSinkDeps = { metrics: Metrics; log: Logger };

/** The sink for the configured org, or null when no Salesforce credentials are set or the integration is off. */
export function createSalesforceSink(config: Config, deps: SalesforceSinkDeps): SalesforceSink | null {
  const integration = config.file.integrations.salesforce;
  const credentials = salesforceCredentials(config.env);
  if (!credentials || !integration.enabled) return null;
  return new SalesforceSink({
    client: new SalesforceClient({ credentials, apiVersion: config.env.SF_API_VERSION, metrics: deps.metrics, timeoutMs: config.env.SF_TIMEOUT_MS }),
    integration,
    log: deps.log.child({ sink: 'salesforce' }),
    batchSize: config.file.delivery.batchSize,
  });
}
