// No input may end the relay's process: a refused body followed by a TCP reset once made the
// webhook handler answer twice (ERR_HTTP_HEADERS_SENT) and the process exit. The relay runs in its
// own process here, so a crash shows as its exit, and the requests are raw socket writes.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { relayEnv, startRelayProcess, type RelayEnv, genericCall, postCall, waitFor } from '../support/relay-harness.ts';
import type { Child } from '../support/child.ts';

const MAX_BODY = 20_000;

/** Sends a chunked body larger than the limit in one write, then resets the connection. */
function oversizedThenReset(url: string, delayMs: number): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      const chunk = Buffer.alloc(MAX_BODY * 2, 'a');
      socket.write(
        Buffer.concat([
          Buffer.from(`POST /webhooks/calls HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`),
          Buffer.from(`${chunk.length.toString(16)}\r\n`),
          chunk,
          Buffer.from('\r\n'),
        ]),
      );
      setTimeout(() => socket.resetAndDestroy(), delayMs);
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

describe('no request ends the relay process', () => {
  let setup: RelayEnv;
  let child: Child;
  let exited = false;

  before(async () => {
    setup = relayEnv({ finalisation: { graceSeconds: 0 } }, { MAX_BODY_BYTES: String(MAX_BODY) });
    child = await startRelayProcess(setup);
    child.process.once('exit', () => (exited = true));
  });
  after(async () => {
    await child.stop('SIGKILL');
    await setup.cleanup();
  });

  it('survives oversized chunked bodies cut by a TCP reset, and still stores the next call', async () => {
    for (let i = 0; i < 40 && !exited; i++) await oversizedThenReset(child.url, i % 8);
    // An exit caused by the last reset takes a moment to show.
    await new Promise((r) => setImmediate(r));
    const res = await postCall(child.url, genericCall(1, 'after-resets')).catch((error: Error) => error);
    assert.equal(exited, false, 'the relay process is still running');
    assert.ok(!(res instanceof Error) && res.status === 200, 'the next webhook is acknowledged');
    await waitFor('health', async () => (await fetch(`${child.url}/healthz`)).ok);
  });
});
