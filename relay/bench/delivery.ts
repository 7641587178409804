// Salesforce delivery under steady load: API requests per synced call and call-end-to-accepted
// latency, through the whole relay against the local org (test/support/salesforce-server.ts).
import { percentile } from './load.ts';
import { startSalesforceServer } from '../test/support/salesforce-server.ts';
import { genericCall, postCall, relayEnv, startRelay, waitFor } from '../test/support/relay-harness.ts';

export type DeliveryBench = {
  engine: string;
  callsPerSecond: number;
  calls: number;
  publishRequestsPerCall: number;
  httpRequestsPerCall: number;
  /** From the webhook that ended the call to the org accepting its event: analysis included. */
  endToAcceptedMs: { p50: number; p99: number };
  /** From the committed analysis (outbox row written) to the org accepting: analysis excluded. */
  analysedToAcceptedMs: { p50: number; p99: number };
};

export async function benchDelivery(options: { callsPerSecond: number; seconds: number; databaseUrl?: string }): Promise<DeliveryBench> {
  const server = await startSalesforceServer({ clientId: 'bench', clientSecret: 'bench-secret' });
  const saved = process.env.TEST_DATABASE_URL;
  if (options.databaseUrl) process.env.TEST_DATABASE_URL = options.databaseUrl;
  else delete process.env.TEST_DATABASE_URL;
  const setup = relayEnv({}, { SF_LOGIN_URL: server.url, SF_CLIENT_ID: 'bench', SF_CLIENT_SECRET: 'bench-secret' });
  if (saved === undefined) delete process.env.TEST_DATABASE_URL;
  else process.env.TEST_DATABASE_URL = saved;
  const { relay, url } = await startRelay(setup);
  const ended = new Map<string, number>();
  const accepted = new Map<string, number>();
  server.onPublishBody = (_path, body) => {
    const now = Date.now();
    for (const record of (body as { records?: { Call_Id__c?: string }[] }).records ?? []) if (record.Call_Id__c) accepted.set(record.Call_Id__c, now);
  };
  try {
    const total = options.callsPerSecond * options.seconds;
    const interval = 1000 / options.callsPerSecond;
    const started = Date.now();
    const posts: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + i * interval;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const call = genericCall(i, 'bench');
      posts.push(
        postCall(url, call).then(async (res) => {
          if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
          ended.set(call.callId, Date.now());
          await res.arrayBuffer();
        }),
      );
    }
    await Promise.all(posts);
    await waitFor('every call accepted', () => accepted.size >= total, 120_000);
    const analysed = new Map(
      (await relay.db.query<{ call_id: string; ms: number }>(`select call_id, (extract(epoch from created_at) * 1000)::float8 as ms from deliveries`)).map((r) => [r.call_id, r.ms]),
    );
    const endToAccepted = [...accepted].map(([id, at]) => at - ended.get(id)!).sort((a, b) => a - b);
    const analysedToAccepted = [...accepted].map(([id, at]) => at - analysed.get(id)!).sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    const perCall = (requests: number) => Math.round((requests / total) * 10_000) / 10_000;
    return {
      engine: options.databaseUrl ? 'postgres' : 'pglite',
      callsPerSecond: options.callsPerSecond,
      calls: total,
      publishRequestsPerCall: perCall(server.requests.publish),
      httpRequestsPerCall: perCall(server.requests.publish + server.requests.token),
      endToAcceptedMs: { p50: round(percentile(endToAccepted, 50)), p99: round(percentile(endToAccepted, 99)) },
      analysedToAcceptedMs: { p50: round(percentile(analysedToAccepted, 50)), p99: round(percentile(analysedToAccepted, 99)) },
    };
  } finally {
    await relay.stop();
    await server.close();
    await setup.cleanup();
  }
}
