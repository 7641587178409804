// A Salesforce sink wired to a local org, with a clock the test moves by hand.
import pino from 'pino';
import { RelayFile } from '../../src/config.ts';
import { createMetrics } from '../../src/metrics.ts';
import { SalesforceClient } from '../../src/sync/salesforce/client.ts';
import type { SalesforceCredentials } from '../../src/sync/salesforce/credentials.ts';
import { SalesforceSink } from '../../src/sync/salesforce/sink.ts';
import type { DeliveryItem } from '../../src/sync/sink.ts';
import type { CallSnapshot } from '../../src/sync/snapshot.ts';
import { startSalesforceServer, testKeyPair, type SalesforceServer, type SalesforceServerOptions } from '../support/salesforce-server.ts';

export const CLIENT_ID = '3MVG9test.client.id';
export const CLIENT_SECRET = 'test-client-secret-5f2a';
export const USERNAME = 'relay@acme.example';

export const keys = testKeyPair();

export type Harness = {
  server: SalesforceServer;
  sink: SalesforceSink;
  metrics: ReturnType<typeof createMetrics>;
  clock: { now: number };
  close(): Promise<void>;
};

export async function harness(
  options: {
    server?: SalesforceServerOptions;
    flow?: 'jwt' | 'client_credentials';
    privateKey?: string;
    timeoutMs?: number;
    integration?: unknown;
    batchSize?: number;
    maxRequestBytes?: number;
  } = {},
): Promise<Harness> {
  const server = await startSalesforceServer({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, username: USERNAME, publicKey: keys.publicKey, ...options.server });
  const credentials: SalesforceCredentials =
    options.flow === 'client_credentials'
      ? { flow: 'client_credentials', loginUrl: server.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
      : { flow: 'jwt', loginUrl: server.url, clientId: CLIENT_ID, username: USERNAME, privateKey: options.privateKey ?? keys.privateKey };
  const metrics = createMetrics();
  const clock = { now: Date.now() };
  const sink = new SalesforceSink({
    client: new SalesforceClient({ credentials, apiVersion: '62.0', metrics, timeoutMs: options.timeoutMs ?? 2_000 }),
    integration: RelayFile.parse({ integrations: { salesforce: options.integration ?? {} } }).integrations.salesforce,
    log: pino({ level: 'silent' }),
    batchSize: options.batchSize,
    maxRequestBytes: options.maxRequestBytes,
    now: () => clock.now,
  });
  return { server, sink, metrics, clock, close: () => server.close() };
}

export function items(calls: CallSnapshot[], attempt = 1): DeliveryItem[] {
  return calls.map((snapshot, i) => ({ deliveryId: String(i + 1), attempt, snapshot }));
}

export async function requestMetric(metrics: ReturnType<typeof createMetrics>): Promise<number> {
  const metric = await metrics.crmRequests.get();
  return metric.values.find((v) => v.labels.sink === 'salesforce')?.value ?? 0;
}

/** Harnesses a test file started; close them all in its `after`. */
const started: Harness[] = [];
export async function start(options: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  const h = await harness(options);
  started.push(h);
  return h;
}
export const closeStarted = () => Promise.all(started.map((h) => h.close()));
