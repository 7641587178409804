// The HubSpot sink under the relay's own outbox: refusals go to the dead letters and replay
// from there once fixed, rate limits reschedule without losing anything.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createMetrics } from '../../src/metrics.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { Outbox } from '../../src/sync/outbox.ts';
import { snapshot } from '../sync/fixtures.ts';
import { testStore } from '../support/db.ts';
import { harness, type Harness } from './harness.ts';

describe('HubSpot sink through the outbox', () => {
  const store = testStore();
  let db: Db;
  let outbox: Outbox;
  let h: Harness;
  before(async () => {
    db = await openDb(store.location, { schema: store.schema });
    outbox = new Outbox(db, { maxAttempts: 3, batchSize: 10, flushMs: 0, baseBackoffMs: 1, maxBackoffMs: 10, leaseSeconds: 60 }, createMetrics(), pino({ level: 'silent' }));
    h = await harness();
  });
  after(async () => {
    await h.close();
    await db.close();
    await store.drop();
  });

  const enqueue = (callId: string, from: string) =>
    db.tx((sql) => Outbox.enqueue(sql, snapshot({ callId, from }), ['hubspot'], new Date()));

  it('dead-letters a call HubSpot refuses, and delivers it exactly once on replay', async () => {
    await enqueue('CA-dead', '+19175550100');
    h.server.fail({ status: 403, pathIncludes: '/objects/calls/' });
    assert.equal(await outbox.runOnce(h.sink), 1);
    const dead = await outbox.deadLetters({ sink: 'hubspot' });
    assert.equal(dead.length, 1);
    assert.match(dead[0]!.error, /HubSpot 403/);

    assert.equal(await outbox.replay({ all: true }), 1);
    assert.equal(await outbox.runOnce(h.sink), 1);
    assert.deepEqual(await outbox.deadLetters({ sink: 'hubspot' }), []);
    assert.equal(h.server.all('calls').filter((c) => c.properties.ai_call_id === 'CA-dead').length, 1);
    assert.equal(h.server.all('contacts').filter((c) => c.properties.phone === '+19175550100').length, 1);
  });

  it('reschedules a rate-limited call after Retry-After and then delivers it', async () => {
    await enqueue('CA-later', '+19175550101');
    h.server.fail({ status: 429, policyName: 'TEN_SECONDLY_ROLLING', retryAfterSeconds: 1, pathIncludes: '/objects/calls/' });
    assert.equal(await outbox.runOnce(h.sink), 1);
    assert.equal(await outbox.runOnce(h.sink), 0, 'not due again before Retry-After');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    assert.equal(await outbox.runOnce(h.sink), 1);
    assert.equal(h.server.all('calls').filter((c) => c.properties.ai_call_id === 'CA-later').length, 1);
    assert.deepEqual(await outbox.deadLetters({ sink: 'hubspot' }), []);
  });
});
