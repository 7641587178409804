// The whole relay wired together, top to bottom:
//
//   webhook (web/webhooks.ts) -> signature check -> IngestEvent (ingest/*) -> group-committed
//   append with dedupe, then the acknowledgement (calls/intake.ts, calls/store.ts append)
//   -> projector: events merged into call rows, forward only (calls/store.ts project)
//   -> grace window -> Finaliser: transcript -> redaction + analysis (analysis/*) -> in one
//   transaction: call analysed + outbox deliveries (calls/finaliser.ts, sync/outbox.ts)
//   -> delivery workers: batch per sink, policy applied, CRM request, outcome per call,
//   backoff / dead letters (sync/*)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createAnalyser, createOfflineAnalyser } from './analysis/analyser.ts';
import { Finaliser } from './calls/finaliser.ts';
import { Intake } from './calls/intake.ts';
import { MergePace } from './calls/merge-pace.ts';
import { countQuarantine } from './calls/quarantine.ts';
import { isTerminal } from './ingest/event.ts';
import { CallStore } from './calls/store.ts';
import type { Config } from './config.ts';
import { createLogger } from './log.ts';
import { Loop } from './loop.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { loadWebhookSecrets, type WebhookSecrets } from './secrets.ts';
import { openDb, type Db } from './store/db.ts';
import { protectAtRest } from './privacy/at-rest.ts';
import { privacyApiRoutes } from './privacy/api-routes.ts';
import { loadDataProtection, type DataProtection } from './privacy/protection.ts';
import { purgeAllExpired } from './privacy/retention.ts';
import { Outbox } from './sync/outbox.ts';
import type { Sink } from './sync/sink.ts';
import { buildSinks } from './sync/sinks.ts';
import { createHubSpotApi } from './sync/hubspot/sink.ts';
import { hubspotCardRoutes } from './web/hubspot-card.ts';
import { apiRoutes } from './web/api.ts';
import { createApp } from './web/app.ts';
import { operatorFromEnv } from './web/console/auth.ts';
import { consoleRoutes } from './web/console/routes.ts';
import { transcriptPageRoutes } from './web/transcript-page.ts';
import { webhookHandler } from './web/webhooks.ts';

export type RelayOptions = {
  config: Config;
  log?: Logger;
};

export class Relay {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics = createMetrics();
  db!: Db;
  store!: CallStore;
  outbox!: Outbox;
  sinks: Sink[] = [];
  secrets!: WebhookSecrets;
  protection!: DataProtection;
  server: Server | undefined;
  private loops: Loop[] = [];

  constructor(options: RelayOptions) {
    this.config = options.config;
    this.log = options.log ?? createLogger(options.config.env.LOG_LEVEL);
  }

  /** Opens the store and starts the HTTP server and background workers. */
  async start(): Promise<string> {
    const { config, log, metrics } = this;
    const { env, file } = config;
    this.db = await openDb(env.DATABASE_URL ?? `${config.dataDir}/pglite`, { schema: env.DATABASE_SCHEMA });
    // Personal fields are sealed from the first write on.
    this.protection = loadDataProtection(config, log);
    protectAtRest(this.db, this.protection.keys);
    this.store = new CallStore(this.db, file.finalisation.graceSeconds);
    metrics.readings.quarantined = () => countQuarantine(this.db);
    metrics.readings.mergeBacklog = () => this.store.backlog();
    while ((await this.store.mergeUnapplied()) > 0);
    this.outbox = new Outbox(this.db, file.delivery, metrics, log);
    this.secrets = loadWebhookSecrets(config, log);
    const hubspotApi = createHubSpotApi(config, metrics);
    this.sinks = buildSinks(config, { db: this.db, metrics, log, hubspotApi, lookupKey: this.protection.lookupKey });

    const deliveryLoops = this.sinks.map((sink) => {
      // One request per flushMs on average, unless a full batch is waiting: a busy relay sends
      // fewer, fuller requests. The bucket holds one and a half, so a quiet relay sends each call
      // at once even when the last request went out a little less than flushMs ago; holding one
      // only, a single slow call would hold every later one back by as much, for as long as calls
      // keep coming about once per flushMs. (Two would cost a busy relay a second request at once.)
      let tokens = 1.5;
      let refilledAt = performance.now();
      return new Loop(
        `deliver:${sink.name}`,
        async () => {
          const paused = sink.pausedForMs?.() ?? 0;
          if (paused > 0) return { sleepMs: Math.min(paused, 60_000) };
          const { count } = await this.outbox.due(sink.name);
          if (count === 0) return 0;
          const now = performance.now();
          tokens = file.delivery.flushMs > 0 ? Math.min(1.5, tokens + (now - refilledAt) / file.delivery.flushMs) : 1.5;
          refilledAt = now;
          if (count < file.delivery.batchSize && tokens < 1) return { sleepMs: (1 - tokens) * file.delivery.flushMs };
          tokens -= 1;
          return this.outbox.runOnce(sink);
        },
        200,
        log,
      );
    });
    const wakeDelivery = () => deliveryLoops.forEach((l) => l.wake());

    const finaliser = new Finaliser({
      db: this.db,
      store: this.store,
      analyser: createAnalyser(config, metrics),
      fallbackAnalyser: createOfflineAnalyser(config, metrics),
      config,
      sinks: this.sinks.map((s) => s.name),
      transcriptUrl: (callId) => (env.PUBLIC_URL ? this.protection.links.url(env.PUBLIC_URL, callId) : null),
      metrics,
      log,
      onEnqueued: wakeDelivery,
    });
    const finaliseLoop = new Loop('finalise', () => finaliser.runOnce(), 250, log);
    const gaugeLoop = new Loop(
      'gauges',
      async () => {
        await this.outbox.refreshGauges();
        const { finished, dead } = await this.outbox.deadLetterRate();
        if (finished > 0 && dead / finished > 0.01) log.warn({ dead, finished }, 'dead letters exceed 1% of the last hour\'s deliveries');
        return 0;
      },
      15_000,
      log,
    );
    const retentionLoop = new Loop(
      'retention',
      async () => {
        const purged = await purgeAllExpired(this.db, file.retention.transcriptDays);
        if (purged > 0) log.info({ purged, transcriptDays: file.retention.transcriptDays }, 'retention purged transcripts and recordings');
        return 0;
      },
      3_600_000,
      log,
    );
    this.loops = [finaliseLoop, ...deliveryLoops, gaugeLoop, retentionLoop];

    const pace = new MergePace();
    const projectLoop = new Loop(
      'project',
      async () => {
        // Webhooks stored in the last 50 ms make the relay busy; merge-pace.ts says how merging
        // then yields to their acknowledgements.
        const busy = performance.now() - intake.lastWriteAt < 50;
        const size = pace.size(busy);
        const { merged, duplicates, dropped, quarantined, unreadable, more } = await this.store.importIntake(size);
        const pause = pace.merged(busy, more);
        metrics.eventsMerged.inc(merged.length);
        metrics.eventsDuplicate.inc(duplicates);
        metrics.eventsDropped.inc(dropped);
        if (quarantined + unreadable > 0) {
          metrics.quarantinedTotal.labels('event').inc(quarantined);
          metrics.quarantinedTotal.labels('batch').inc(unreadable);
          log.warn({ events: quarantined, batches: unreadable }, 'webhook events quarantined: they failed to import alone (see GET /api/quarantine)');
        }
        // A call that is ready early (ended, transcript and recording in) should not wait for the
        // next tick; a ringing or answered call cannot be ready, so it wakes nothing.
        if (merged.some((e) => (e.call.status && isTerminal(e.call.status)) || e.call.transcriptDone || e.call.recordingDone)) finaliseLoop.wake();
        const imported = merged.length + duplicates + dropped + quarantined + unreadable;
        return busy && imported > 0 ? { sleepMs: pause } : imported;
      },
      // Polled rather than woken per webhook: merging in batches of many events costs a few
      // statements per batch, merging after every webhook would cost them per webhook.
      100,
      log,
    );
    this.loops.unshift(projectLoop);
    const intake = new Intake(this.store, { concurrency: 1 });

    const app = createApp({
      metrics,
      log,
      ready: async () => (await this.db.query('select 1')).length === 1,
      webhooks: webhookHandler({ intake, secrets: this.secrets, metrics, log, publicUrl: env.PUBLIC_URL, maxBodyBytes: env.MAX_BODY_BYTES }),
      routers: [
        apiRoutes({ db: this.db, outbox: this.outbox, apiToken: env.API_TOKEN, onReplay: wakeDelivery }),
        privacyApiRoutes({ db: this.db, keys: this.protection.keys, file, apiToken: env.API_TOKEN, log, onEnqueued: wakeDelivery }),
        transcriptPageRoutes({ db: this.db, links: this.protection.links, file, metrics, log }),
        hubspotCardRoutes({ api: hubspotApi, env, log }),
        consoleRoutes({
          db: this.db,
          outbox: this.outbox,
          sinks: this.sinks,
          file,
          metrics,
          links: this.protection.links,
          keys: this.protection.keys,
          onReplay: wakeDelivery,
          operator: operatorFromEnv(env),
          sessions: this.protection.sessions,
          secureCookies: env.PUBLIC_URL?.startsWith('https:') ?? false,
          log,
        }),
      ],
    });
    this.server = await new Promise<Server>((resolve, reject) => {
      const server = createServer(app).listen(env.PORT, env.HOST, () => resolve(server));
      server.once('error', reject);
    });
    for (const loop of this.loops) loop.start();
    const address = this.server.address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    log.info({ url, engine: this.db.engine, sinks: this.sinks.map((s) => s.name) }, 'relay started');
    return url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    await Promise.all(this.loops.map((l) => l.stop()));
    await Promise.all(this.sinks.map((s) => s.close?.()));
    await this.db?.close();
  }
}
