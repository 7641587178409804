// Stopping on SIGTERM, with the relay in a child process as it runs in production: readiness
// fails at once, an in-flight webhook is still answered and stored, the process exits 0; a request
// that never finishes is cut off at the shutdown timeout; and a sink that fails to close does not
// leave the store open.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { signGeneric } from '../../src/ingest/generic.ts';
import type { Sink } from '../../src/sync/sink.ts';
import type { Child } from '../support/child.ts';
import { genericCall, relayEnv, startRelay, startRelayProcess, waitFor, WEBHOOK_SECRET, type RelayEnv } from '../support/relay-harness.ts';

/** A webhook sent by hand: headers and half the body now, the rest when asked. */
async function halfSentWebhook(url: string, callId: string) {
  const { port } = new URL(url);
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(Number(port), '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const body = Buffer.from(JSON.stringify({ ...genericCall(0), callId }));
  let answer = '';
  socket.on('data', (d) => (answer += d));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(
    `POST /webhooks/calls HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nX-Signature: ${signGeneric(WEBHOOK_SECRET, body.toString())}\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  socket.write(body.subarray(0, body.length >> 1));
  return {
    finish: () => socket.write(body.subarray(body.length >> 1)),
    answer: async () => {
      await ended;
      return answer;
    },
  };
}

const exited = (child: Child) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve({ code: child.process.exitCode, signal: child.process.signalCode });
    child.process.once('exit', (code, signal) => resolve({ code, signal }));
  });

describe('shutdown', () => {
  const setups: RelayEnv[] = [];
  const children: Child[] = [];
  after(async () => {
    await Promise.all(children.map((c) => c.stop('SIGKILL')));
    await Promise.all(setups.map((s) => s.cleanup()));
  });
  const setup = (extra: Record<string, string>) => {
    // Long request limits, so only the shutdown itself ends the requests below.
    const s = relayEnv({ finalisation: { graceSeconds: 3600 } }, { HEADERS_TIMEOUT_MS: '120000', REQUEST_TIMEOUT_MS: '120000', ...extra });
    setups.push(s);
    return s;
  };
  const start = async (s: RelayEnv) => {
    const child = await startRelayProcess(s);
    children.push(child);
    return child;
  };

  it('answers /readyz 503 from the SIGTERM on, finishes the webhook in flight, stores it and exits 0', async () => {
    const s = setup({ SHUTDOWN_DELAY_MS: '5000' });
    const relay = await start(s);
    assert.equal((await fetch(`${relay.url}/readyz`)).status, 200);
    const inFlight = await halfSentWebhook(relay.url, 'drained-call');
    const exit = exited(relay);
    relay.process.kill('SIGTERM');
    let ready: Response | undefined;
    await waitFor('/readyz to answer 503', async () => {
      ready = await fetch(`${relay.url}/readyz`);
      return ready.status === 503;
    });
    assert.deepEqual(await ready!.json(), { ready: false });
    assert.equal(ready!.headers.get('connection'), 'close', 'a draining relay ends each keep-alive connection');
    inFlight.finish();
    assert.match(await inFlight.answer(), /^HTTP\/1\.1 200 [\s\S]*"result":"accepted"/, 'the webhook in flight is acknowledged');
    assert.deepEqual(await exit, { code: 0, signal: null });

    const again = await start(s);
    const call = await fetch(`${again.url}/api/calls/drained-call`);
    assert.equal(call.status, 200, 'what was acknowledged during the drain is stored');
    await again.stop();
  });

  it('closes a request that never finishes at the shutdown timeout, and exits 0', async () => {
    const s = setup({ SHUTDOWN_TIMEOUT_MS: '1000', LOG_LEVEL: 'warn' });
    const relay = await start(s);
    let log = '';
    relay.process.stdout!.on('data', (d) => (log += d));
    const stalled = await halfSentWebhook(relay.url, 'stalled-call');
    const exit = exited(relay);
    const signalled = performance.now();
    relay.process.kill('SIGTERM');
    assert.doesNotMatch(await stalled.answer(), /"result":"accepted"/, 'the unfinished webhook is not acknowledged');
    assert.deepEqual(await exit, { code: 0, signal: null });
    assert.ok(performance.now() - signalled < 60_000, 'long before the request limit');
    assert.match(log, /requests still in flight at the shutdown timeout/);
  });

  it('closes the store even when a sink fails to close', async () => {
    const s = setup({});
    const { relay } = await startRelay(s);
    const failing = { name: 'dry-run', deliver: async () => [], close: async () => Promise.reject(new Error('sink close failed')) } as unknown as Sink;
    relay.sinks.unshift(failing);
    await relay.stop();
    await assert.rejects(relay.db.query('select 1'), 'the store is closed');
  });
});
