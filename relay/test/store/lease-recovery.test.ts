// Work held by a relay killed with SIGKILL is taken back as soon as a relay starts again (or, on
// PostgreSQL, as soon as another instance sees the dead one's lock gone), rather than when its
// lease would have run out: 5 minutes for a call's finalisation, delivery.leaseSeconds (here 10
// minutes) for a batch. Each test prints the call-end-to-CRM time it measured.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startSalesforceServer, type SalesforceServer } from '../support/salesforce-server.ts';
import { genericCall, postCalls, relayEnv, startRelayProcess, waitFor, type RelayEnv } from '../support/relay-harness.ts';
import type { Child } from '../support/child.ts';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
// Far past anything this test waits: recovery that waited for a lease to end would time out.
const LONG_LEASE = { finalisation: { graceSeconds: 0 }, delivery: { flushMs: 50, baseBackoffMs: 20, maxBackoffMs: 300, leaseSeconds: 600 } };
const RECOVERED_WITHIN_MS = 120_000;

/** A server that takes connections and never answers: a model or CRM that hangs. */
async function hangingServer(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    connections: () => count,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

type Detail = { stage: string; deliveries: { status: string; sink: string }[] };

describe(`work held by a killed relay (${engine})`, () => {
  const setups: RelayEnv[] = [];
  const children: Child[] = [];
  let salesforce: SalesforceServer;
  before(async () => {
    salesforce = await startSalesforceServer({ clientId: 'lease-test', clientSecret: 'lease-test-secret' });
  });
  after(async () => {
    await Promise.all(children.map((c) => c.stop('SIGKILL')));
    await salesforce.close();
    await Promise.all(setups.map((s) => s.cleanup()));
  });
  const start = async (s: RelayEnv, extra: Record<string, string> = {}) => {
    const child = await startRelayProcess({ ...s, env: { ...s.env, ...extra } });
    children.push(child);
    return child;
  };
  const resetOrg = () => {
    salesforce.events.length = 0;
    Object.assign(salesforce.requests, { token: 0, publish: 0, describe: 0, refused: 0 });
  };
  /** A relay whose org never answers a publish until `answer()`. */
  const hangingOrg = () => {
    resetOrg();
    let hanging = true;
    salesforce.faultFor = () => (hanging ? { kind: 'timeout' } : null);
    const s = relayEnv(LONG_LEASE, { SF_LOGIN_URL: salesforce.url, SF_CLIENT_ID: 'lease-test', SF_CLIENT_SECRET: 'lease-test-secret', SF_TIMEOUT_MS: '600000' });
    setups.push(s);
    return { s, answer: () => (hanging = false) };
  };
  const detail = async (url: string, callId: string) => (await (await fetch(`${url}/api/calls/${callId}`)).json()) as Detail;

  it('finalises at once after a restart a call whose analysis was in flight when the relay was killed', async (t) => {
    const model = await hangingServer();
    const s = relayEnv(LONG_LEASE);
    setups.push(s);
    try {
      // The first relay's model never answers: the kill lands while the call's lease is held.
      const first = await start(s, { OPENAI_API_KEY: 'sk-test-hanging', OPENAI_BASE_URL: model.url, OPENAI_TIMEOUT_MS: '600000' });
      const call = genericCall(0, 'lease-final');
      await postCalls(first.url, [call]);
      await waitFor('the analysis in flight', () => model.connections() > 0);
      await first.stop('SIGKILL');

      // The second runs the offline analyser; it must not wait out the 5-minute lease.
      const second = await start(s);
      const restarted = performance.now();
      await waitFor('the call delivered after the restart', async () => (await detail(second.url, call.callId)).deliveries[0]?.status === 'delivered', RECOVERED_WITHIN_MS);
      const recovery = performance.now() - restarted;
      t.diagnostic(`finalisation recovery after SIGKILL (${engine}): ${Math.round(recovery)} ms from restart to delivered; call end to CRM ${Math.round(Date.now() - Date.parse(call.endedAt!))} ms including the restart`);
      await second.stop();
    } finally {
      await model.close();
    }
  });

  it('sends again at once after a restart a batch that was in flight when the relay was killed, once', async (t) => {
    const { s, answer } = hangingOrg();
    const first = await start(s);
    const calls = Array.from({ length: 20 }, (_, i) => genericCall(i, 'lease-deliver'));
    await postCalls(first.url, calls);
    await waitFor('a publish in flight', () => salesforce.requests.publish > 0);
    await first.stop('SIGKILL');
    answer();

    const second = await start(s);
    const restarted = performance.now();
    await waitFor('every call published after the restart', () => calls.every((c) => salesforce.countOf(c.callId) >= 1), RECOVERED_WITHIN_MS);
    const recovery = performance.now() - restarted;
    await waitFor('every delivery recorded', async () => {
      for (const c of calls) if ((await detail(second.url, c.callId)).deliveries[0]?.status !== 'delivered') return false;
      return true;
    });
    assert.deepEqual(salesforce.duplicates(), [], 'each call published once');
    t.diagnostic(`delivery recovery after SIGKILL (${engine}): ${Math.round(recovery)} ms from restart to the org; call end to CRM ${Math.round(Date.now() - Date.parse(calls[0]!.endedAt!))} ms including the restart`);
    await second.stop();
  });

  it("lets a live instance take over a killed instance's batch within seconds", { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL (instances sharing a PostgreSQL)' }, async (t) => {
    const { s, answer } = hangingOrg();
    const a = await start(s);
    const calls = Array.from({ length: 20 }, (_, i) => genericCall(i, 'lease-takeover'));
    await postCalls(a.url, calls);
    await waitFor('a publish in flight', () => salesforce.requests.publish > 0);
    // The second instance starts while the first holds its batches, and shares its store (and the
    // keys the first wrote to the data folder).
    answer();
    const b = await start(s);
    assert.ok(calls.some((c) => salesforce.countOf(c.callId) === 0), 'the killed instance holds calls in its hung batch');
    await a.stop('SIGKILL');
    const killed = performance.now();
    await waitFor('every call published by the live instance', () => calls.every((c) => salesforce.countOf(c.callId) >= 1), RECOVERED_WITHIN_MS);
    assert.deepEqual(salesforce.duplicates(), []);
    t.diagnostic(`takeover by a live instance (PostgreSQL): ${Math.round(performance.now() - killed)} ms from the kill to the org`);
    await b.stop();
  });

  it('refuses a second relay on the same PGlite data folder, which would corrupt it', { skip: !!process.env.TEST_DATABASE_URL && 'PGlite only' }, async () => {
    const s = relayEnv({});
    setups.push(s);
    const first = await start(s);
    await assert.rejects(start(s), /exited with 2 before listening: (relay: )?another relay is using the data folder/);
    assert.equal((await fetch(`${first.url}/readyz`)).status, 200, 'the first goes on');
    await first.stop();
  });
});
