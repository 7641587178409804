// Slow and idle connections through the real HTTP server: a client that never finishes its
// headers (slowloris), one that trickles its body, and an idle keep-alive connection are each
// closed by the server within its configured time, so they cannot pile up.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { relayEnv, startRelay, type RelayEnv } from '../support/relay-harness.ts';
import type { Relay } from '../../src/pipeline.ts';

// Short limits for the test; Node's own defaults (60 s for headers, 300 s for the request) would
// keep each of these sockets open far past the test's timeout.
const LIMITS = { HEADERS_TIMEOUT_MS: '600', REQUEST_TIMEOUT_MS: '1200', KEEP_ALIVE_TIMEOUT_MS: '1500' };
// The server closes on its own checking interval, and this machine is loaded: a generous bound,
// still far below Node's defaults.
const CLOSED_WITHIN_MS = 20_000;

/** Resolves with how long after `since` the server closed the socket; fails after CLOSED_WITHIN_MS. */
function closedBy(socket: Socket, since: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${CLOSED_WITHIN_MS} ms`));
    }, CLOSED_WITHIN_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - since);
    });
  });
}

describe('slow and idle connections', () => {
  let setup: RelayEnv;
  let relay: Relay;
  let port: number;
  before(async () => {
    setup = relayEnv({}, LIMITS);
    const started = await startRelay(setup);
    relay = started.relay;
    port = Number(new URL(started.url).port);
  });
  after(async () => {
    await relay.stop();
    await setup.cleanup();
  });

  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    });

  it('closes 20 connections that send their headers a line at a time and never finish', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, open));
    const started = performance.now();
    const closes = sockets.map((s) => closedBy(s, started));
    for (const s of sockets) s.write('POST /webhooks/calls HTTP/1.1\r\nHost: relay\r\n');
    // One more header line every 100 ms, as a slowloris client does to look alive.
    const trickle = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write(`X-Pad-${Math.floor(Math.random() * 1e6)}: a\r\n`);
    }, 100);
    try {
      const times = await Promise.all(closes);
      assert.ok(Math.min(...times) >= 500, `not closed before the headers limit (${Math.round(Math.min(...times))} ms)`);
    } finally {
      clearInterval(trickle);
    }
  });

  it('closes a connection whose body trickles in past the request limit', async () => {
    const socket = await open();
    let answer = '';
    socket.on('data', (d) => (answer += d));
    const started = performance.now();
    const closed = closedBy(socket, started);
    socket.write('POST /webhooks/calls HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const trickle = setInterval(() => !socket.destroyed && socket.write(' '), 100);
    try {
      const took = await closed;
      assert.ok(took >= 1000, `not closed before the request limit (${Math.round(took)} ms)`);
      assert.match(answer, /^HTTP\/1\.1 408 /, 'answered 408 Request Timeout');
    } finally {
      clearInterval(trickle);
    }
  });

  it('closes an idle keep-alive connection after the keep-alive limit', async () => {
    const socket = await open();
    let answer = '';
    const answered = new Promise<number>((resolve) =>
      socket.on('data', (d) => {
        answer += d;
        if (answer.includes('"ok":true')) resolve(performance.now());
      }),
    );
    socket.write('GET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: keep-alive\r\n\r\n');
    const at = await answered;
    const idle = await closedBy(socket, at);
    assert.match(answer, /keep-alive: timeout=1\r\n/i, 'the configured limit is announced (whole seconds)');
    assert.ok(idle >= 1000, `not closed before the keep-alive limit (${Math.round(idle)} ms)`);
  });
});
