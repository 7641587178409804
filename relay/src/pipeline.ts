// The whole relay wired together, top to bottom:
//
//   webhook (web/webhooks.ts) -> signature check -> IngestEvent (ingest/*) -> group-committed
//   append with dedupe, then the acknowledgement (calls/intake.ts, calls/store.ts append)
//   -> projector: events merged into call rows, forward only (calls/store.ts project)
//   -> grace window -> Finaliser: transcript -> redaction + analysis (analysis/*) -> in one
//   transaction: call analysed + outbox deliveries (calls/finaliser.ts, sync/outbox.ts)
//   -> delivery workers: batch per sink, policy applied, CRM request, outcome per call,
//   backoff / dead letters (sync/*)
import { mkdirSync } from 'node:fs';
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
import { dataFolderLock, Leases } from './store/leases.ts';
import { protectAtRest } from './privacy/at-rest.ts';
import { privacyApiRoutes } from './privacy/api-routes.ts';
import type { LoginLimiter } from './privacy/login-limiter.ts';
import { loadDataProtection, type DataProtection } from './privacy/protection.ts';
import { purgeAllExpired, retentionCutoff } from './privacy/retention.ts';
import { Outbox } from './sync/outbox.ts';
import type { Sink } from './sync/sink.ts';
import { buildSinks } from './sync/sinks.ts';
import { createHubSpotApi } from './sync/hubspot/sink.ts';
import { hubspotCardRoutes } from './web/hubspot-card.ts';
import { apiRoutes } from './web/api.ts';
import { createApp } from './web/app.ts';
import { operatorFromEnv } from './web/console/auth.ts';
import { consoleRoutes } from './web/console/routes.ts';
import { assertApiProtected, trustProxyFrom } from './web/exposure.ts';
import { transcriptPageRoutes } from './web/transcript-page.ts';
import { webhookHandler } from './web/webhooks.ts';
import { buildCallerContext } from './context/build.ts';
import { callerContextRoutes } from './context/api-routes.ts';
import { backfillCallerKeys } from './context/index-callers.ts';
import { purgeGivenBefore } from './context/given.ts';

/** How often a PostgreSQL instance looks for leases whose holder has died. */
const LEASE_CHECK_MS = 5_000;

export type RelayOptions = {
  config: Config;
  log?: Logger;
  /** The console's sign-in slow-down; its defaults otherwise (tests shorten or lengthen its waits). */
  loginLimiter?: LoginLimiter;
};

export class Relay {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics = createMetrics();
  private readonly loginLimiter: LoginLimiter | undefined;
  db!: Db;
  store!: CallStore;
  outbox!: Outbox;
  sinks: Sink[] = [];
  secrets!: WebhookSecrets;
  protection!: DataProtection;
  server: Server | undefined;
  private loops: Loop[] = [];
  /** From the first moment of stop(): readiness fails and every answer closes its connection. */
  private draining = false;
  private leases: Leases | undefined;
  private stopping: Promise<void> | undefined;
  private folderLock: { release(): Promise<void> } | undefined;

  constructor(options: RelayOptions) {
    this.config = options.config;
    this.log = options.log ?? createLogger(options.config.env.LOG_LEVEL);
    this.loginLimiter = options.loginLimiter;
  }

  /** Opens the store and starts the HTTP server and background workers. */
  async start(): Promise<string> {
    const { config, log, metrics } = this;
    const { env, file } = config;
    // Refused before anything is opened: a relay that would serve personal data to anyone never starts.
    assertApiProtected(env);
    const trustProxy = trustProxyFrom(env.TRUST_PROXY);
    // PGlite's folder belongs to one process: a second relay on it would corrupt it.
    if (!env.DATABASE_URL) {
      mkdirSync(config.dataDir, { recursive: true });
      this.folderLock = await dataFolderLock(config.dataDir);
    }
    this.db = await openDb(env.DATABASE_URL ?? `${config.dataDir}/pglite`, { schema: env.DATABASE_SCHEMA });
    // Before any worker claims: what a killed relay held is released now, not when its lease ends.
    this.leases = await Leases.hold(this.db, env.DATABASE_URL, log);
    // Personal fields are sealed from the first write on.
    this.protection = loadDataProtection(config, log);
    protectAtRest(this.db, this.protection.keys);
    this.store = new CallStore(this.db, file.finalisation.graceSeconds);
    metrics.readings.quarantined = () => countQuarantine(this.db);
    metrics.readings.mergeBacklog = () => this.store.backlog();
    while ((await this.store.mergeUnapplied()) > 0);
    this.outbox = new Outbox(this.db, file.delivery, metrics, log, this.leases.owner);
    this.secrets = loadWebhookSecrets(config, log);
    const hubspotApi = createHubSpotApi(config, metrics, this.db);
    this.sinks = buildSinks(config, { db: this.db, metrics, log, hubspotApi, lookupKey: this.protection.lookupKey });
    // Caller context (context/): who is calling, asked by the platforms at call start.
    const callerContext = buildCallerContext(config, { db: this.db, lookupKey: this.protection.lookupKey, hubspotApi, metrics, log });
    const keyed = await backfillCallerKeys(this.db, callerContext.keys);
    if (keyed > 0) log.info({ keyed }, 'calls analysed earlier are now findable by caller');

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
      leaseOwner: this.leases.owner,
      callerKeys: callerContext.keys,
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
        const given = await purgeGivenBefore(this.db, retentionCutoff(new Date(), file.retention.transcriptDays));
        if (given > 0) log.info({ given }, 'retention purged the caller context given to agents');
        return 0;
      },
      3_600_000,
      log,
    );
    this.loops = [finaliseLoop, ...deliveryLoops, gaugeLoop, retentionLoop];
    if (this.db.engine === 'postgres') {
      // Another instance's death shows here within seconds (store/leases.ts).
      const leases = this.leases;
      const leaseLoop = new Loop(
        'leases',
        async () => {
          const released = await leases.releaseDead();
          if (released.calls + released.deliveries > 0) {
            log.info(released, 'released the leases of a relay instance that stopped');
            finaliseLoop.wake();
            wakeDelivery();
          }
          return 0;
        },
        LEASE_CHECK_MS,
        log,
      );
      this.loops.push(leaseLoop);
    }

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
      ready: async () => !this.draining && (await this.db.query('select 1')).length === 1,
      trustProxy,
      webhooks: webhookHandler({ intake, secrets: this.secrets, metrics, log, publicUrl: env.PUBLIC_URL, maxBodyBytes: env.MAX_BODY_BYTES, callStart: callerContext.callStart }),
      routers: [
        apiRoutes({ db: this.db, outbox: this.outbox, apiToken: env.API_TOKEN, onReplay: wakeDelivery }),
        callerContextRoutes({ callStart: callerContext.callStart, apiToken: env.API_TOKEN }),
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
          limiter: this.loginLimiter,
          callerKeys: callerContext.keys,
        }),
      ],
    });
    this.server = await new Promise<Server>((resolve, reject) => {
      const server = createServer(
        {
          // A client gets this long for its headers, and this long for the whole request, so slow
          // or stalled connections cannot pile up. Node checks them every connectionsCheckingInterval.
          headersTimeout: env.HEADERS_TIMEOUT_MS,
          requestTimeout: env.REQUEST_TIMEOUT_MS,
          connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(env.HEADERS_TIMEOUT_MS / 4))),
        },
        (req, res) => {
          // While draining, each answer ends its keep-alive connection, so clients reconnect elsewhere.
          if (this.draining) res.setHeader('connection', 'close');
          app(req, res);
        },
      );
      server.keepAliveTimeout = env.KEEP_ALIVE_TIMEOUT_MS;
      server.listen(env.PORT, env.HOST, () => resolve(server));
      server.once('error', reject);
    });
    for (const loop of this.loops) loop.start();
    const address = this.server.address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    log.info({ url, engine: this.db.engine, sinks: this.sinks.map((s) => s.name) }, 'relay started');
    return url;
  }

  /**
   * Stops in order: readiness fails at once; after SHUTDOWN_DELAY_MS the listener closes, idle
   * keep-alive connections are closed and in-flight requests finish; then the background loops
   * finish their current step; then the sinks and the store close. Whatever is still running
   * SHUTDOWN_TIMEOUT_MS after the listener closed is cut off (connections closed, loops left),
   * which loses nothing: acknowledged webhooks are stored, and claimed work is taken back by the
   * next start (store/leases.ts).
   */
  stop(): Promise<void> {
    // A second signal while stopping waits for the same stop rather than closing things twice.
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const { env } = this.config;
    this.draining = true;
    try {
      const server = this.server;
      if (server) {
        if (env.SHUTDOWN_DELAY_MS > 0) await new Promise((r) => setTimeout(r, env.SHUTDOWN_DELAY_MS));
        const deadline = performance.now() + env.SHUTDOWN_TIMEOUT_MS;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (!(await settlesBy(closed, deadline))) {
          this.log.warn({ timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'requests still in flight at the shutdown timeout; closing their connections');
          server.closeAllConnections();
          await closed;
        }
        if (!(await settlesBy(Promise.all(this.loops.map((l) => l.stop())), deadline))) {
          this.log.warn({ timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'background steps still running at the shutdown timeout; closing the store under them');
        }
      } else {
        await Promise.all(this.loops.map((l) => l.stop()));
      }
      // One sink failing to close must not keep the others, or the store, open.
      const closes = await Promise.allSettled(this.sinks.map(async (s) => s.close?.()));
      for (const [i, result] of closes.entries()) {
        if (result.status === 'rejected') this.log.error({ sink: this.sinks[i]?.name, err: result.reason }, 'sink failed to close');
      }
    } finally {
      await this.leases?.close();
      await this.db?.close();
      await this.folderLock?.release();
    }
  }
}

/** Whether `work` settles before `deadline` (a performance.now() time). */
async function settlesBy(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - performance.now()))));
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
