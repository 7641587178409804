// Prometheus metrics. One registry per relay instance so tests can run several in one process.
// Every metric is listed, with its labels, in docs/metrics.md (a test keeps the two in step).
import { readFileSync } from 'node:fs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Where gauges read from the store get their values when scraped; the relay fills it in at start. */
export type StoreReadings = {
  quarantined?: () => Promise<Record<string, number>>;
  mergeBacklog?: () => Promise<number>;
};

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const readings: StoreReadings = {};
  // Constant 1; its labels say which relay and Node answer, so a dashboard can join on them.
  new Gauge({ name: 'relay_build_info', help: 'The relay build: version and Node.js version (always 1).', labelNames: ['version', 'node'] as const, registers }).set({ version, node: process.versions.node }, 1);
  return {
    registry,
    readings,
    webhooks: new Counter({
      name: 'relay_webhooks_total',
      help: 'Webhook deliveries received, by source and result (accepted, ignored, rejected, error).',
      labelNames: ['source', 'result'] as const,
      registers,
    }),
    ackLatency: new Histogram({
      name: 'relay_webhook_ack_seconds',
      help: 'Time from request to acknowledgement.',
      labelNames: ['source'] as const,
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
      registers,
    }),
    eventsMerged: new Counter({
      name: 'relay_events_merged_total',
      help: 'Acknowledged webhook events merged into their calls. Accepted webhooks minus merged and duplicate events are the events still waiting.',
      registers,
    }),
    eventsDuplicate: new Counter({
      name: 'relay_events_duplicate_total',
      help: 'Acknowledged webhook events dropped at the merge as repeats of an event already stored.',
      registers,
    }),
    callsFinalised: new Counter({ name: 'relay_calls_finalised_total', help: 'Calls finalised.', registers }),
    analyses: new Counter({
      name: 'relay_analyses_total',
      help: 'Call analyses, by source (llm, offline, vendor) and outcome.',
      labelNames: ['source', 'outcome'] as const,
      registers,
    }),
    analysisTokens: new Counter({
      name: 'relay_analysis_tokens_total',
      help: 'Model tokens spent on analysis, by agent and kind (prompt, completion).',
      labelNames: ['agent', 'kind'] as const,
      registers,
    }),
    analysisCost: new Counter({
      name: 'relay_analysis_cost_usd_total',
      help: 'Estimated model cost of analysis in USD, by agent.',
      labelNames: ['agent'] as const,
      registers,
    }),
    deliveries: new Counter({
      name: 'relay_deliveries_total',
      help: 'Delivery attempts by sink and outcome (delivered, retry, failed, dead_lettered).',
      labelNames: ['sink', 'outcome'] as const,
      registers,
    }),
    crmRequests: new Counter({
      name: 'relay_crm_requests_total',
      help: 'HTTP requests made to a CRM API, by sink.',
      labelNames: ['sink'] as const,
      registers,
    }),
    publishLatency: new Histogram({
      name: 'relay_call_end_to_crm_seconds',
      help: 'Time from call end to the CRM accepting the call, by sink.',
      labelNames: ['sink'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'relay_outbox_pending',
      help: 'Deliveries waiting in the outbox, by sink.',
      labelNames: ['sink'] as const,
      registers,
    }),
    deadLetters: new Gauge({
      name: 'relay_dead_letters',
      help: 'Deliveries in the dead-letter table, by sink.',
      labelNames: ['sink'] as const,
      registers,
    }),
    forgedLinks: new Counter({ name: 'relay_transcript_link_forged_total', help: 'Transcript links refused as forged or altered.', registers }),
    eventsDropped: new Counter({
      name: 'relay_events_dropped_deleted_total',
      help: 'Acknowledged webhook events dropped at the merge because their call had been deleted (its tombstone).',
      registers,
    }),
    quarantinedTotal: new Counter({
      name: 'relay_quarantined_total',
      help: 'Work set aside in the quarantine because it failed alone, by kind (event, batch, call, delivery).',
      labelNames: ['kind'] as const,
      registers,
    }),
    quarantined: new Gauge({
      name: 'relay_quarantined',
      help: 'Entries in the quarantine, by kind (event, batch, call, delivery).',
      labelNames: ['kind'] as const,
      registers,
      async collect() {
        const counts = await readings.quarantined?.().catch(() => undefined);
        if (!counts) return;
        this.reset();
        for (const [kind, n] of Object.entries(counts)) this.labels(kind).set(n);
      },
    }),
    mergeBacklog: new Gauge({
      name: 'relay_merge_backlog',
      help: 'Webhook events acknowledged and not yet merged into their calls (waiting in intake).',
      registers,
      async collect() {
        const n = await readings.mergeBacklog?.().catch(() => undefined);
        if (n !== undefined) this.set(n);
      },
    }),
    callerContext: new Histogram({
      name: 'relay_caller_context_seconds',
      help: 'Caller context lookups at call start, by whether the caller was known: time to the answer.',
      labelNames: ['known'] as const,
      buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers,
    }),
    callerContextSources: new Counter({
      name: 'relay_caller_context_sources_total',
      help: 'What each caller context source did per lookup: answered, no_record, timeout, error, skipped.',
      labelNames: ['source', 'outcome'] as const,
      registers,
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
