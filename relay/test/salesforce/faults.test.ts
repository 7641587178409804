// The sink's half of "every call delivered exactly once under faults": 1,000 calls fed to the
// sink the way the outbox does (batches of due deliveries, retries brought back after their
// delay, delivered and failed ones never again), while the org answers a third of publish
// requests with 503, REQUEST_LIMIT_EXCEEDED, INVALID_SESSION_ID, no answer at all, or partial
// per-record failures.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { DeliveryItem } from '../../src/sync/sink.ts';
import { snapshots } from '../sync/fixtures.ts';
import type { PublishFault } from '../support/salesforce-server.ts';
import { harness, type Harness } from './helpers.ts';

let h: Harness | undefined;
after(() => h?.close());

test('1,000 calls through an org failing a third of requests: each call published exactly once', async (t) => {
  // Requests of 20 records, so that the 1,000 calls take enough requests for every kind of fault to come up repeatedly.
  // The timeout is long enough that only the injected no-answer fault reaches it: at 100 ms, on a
  // loaded machine, requests the org had accepted timed out too and were published again.
  h = await harness({ timeoutMs: 2_000, batchSize: 20 });
  const { server, sink, clock } = h;
  const cycle: PublishFault[] = [
    { kind: 'unavailable', retryAfterSeconds: 2 },
    { kind: 'recordErrors', statusCode: 'UNABLE_TO_LOCK_ROW', pick: (_, i) => i % 4 === 1 },
    { kind: 'requestLimit', retryAfterSeconds: 30 },
    { kind: 'timeout' },
    { kind: 'invalidSession' },
    { kind: 'recordErrors', statusCode: 'PLATFORM_EVENT_PUBLISHING_UNAVAILABLE', pick: (_, i) => i % 2 === 0 },
  ];
  let injected = 0;
  server.faultFor = (n) => (n % 3 === 0 ? (cycle[injected++ % cycle.length] ?? null) : null);

  const calls = snapshots(1_000);
  // Queue entries: the delivery and when it is due, as the outbox keeps them.
  let queue = calls.map((snapshot, i) => ({ item: { deliveryId: String(i + 1), attempt: 1, snapshot } as DeliveryItem, dueAt: clock.now }));
  const delivered = new Set<string>();
  let rounds = 0;
  while (queue.length > 0) {
    rounds += 1;
    assert.ok(rounds < 500, 'converges');
    const due = queue.filter((q) => q.dueAt <= clock.now).slice(0, 200);
    if (due.length === 0) {
      clock.now = Math.min(...queue.map((q) => q.dueAt));
      continue;
    }
    const outcomes = await sink.deliver(due.map((q) => q.item));
    const next = queue.filter((q) => !due.includes(q));
    for (const [i, entry] of due.entries()) {
      const outcome = outcomes[i];
      assert.ok(outcome, 'one outcome per item');
      assert.notEqual(outcome.status, 'failed', outcome.status === 'failed' ? outcome.error : '');
      if (outcome.status === 'delivered') {
        assert.equal(delivered.has(entry.item.snapshot.callId), false);
        delivered.add(entry.item.snapshot.callId);
      } else {
        next.push({ item: { ...entry.item, attempt: entry.item.attempt + 1 }, dueAt: clock.now + ((outcome.status === 'retry' ? outcome.retryAfterMs : undefined) ?? 1_000) });
      }
    }
    queue = next;
  }

  t.diagnostic(`${server.requests.publish} publish requests, ${injected} with faults, ${sink.requestCount} HTTP requests in all, ${rounds} rounds`);
  assert.equal(delivered.size, 1_000);
  assert.equal(server.events.length, 1_000, 'the org received 1,000 events');
  assert.deepEqual(server.duplicates(), []);
  for (const call of calls) assert.equal(server.countOf(call.callId), 1);
  assert.ok(injected >= 2 * cycle.length, `${injected} faults injected`);
  // 50 clean requests would do; a fault costs its request and the retried records' share of another, a refresh a token request and a repeat.
  assert.ok(sink.requestCount <= 50 + 3 * injected, `${sink.requestCount} requests for 1,000 calls`);
});
