import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { DeliveryOutcome } from '../../src/sync/sink.ts';
import { snapshot, snapshots } from '../sync/fixtures.ts';
import { closeStarted, items, start, requestMetric } from './helpers.ts';

after(closeStarted);

const statuses = (outcomes: DeliveryOutcome[]) => outcomes.map((o) => o.status);
const errorOf = (outcome: DeliveryOutcome | undefined) => (outcome && outcome.status !== 'delivered' ? outcome.error : '');
const retryAfter = (outcome: DeliveryOutcome | undefined) => (outcome?.status === 'retry' ? outcome.retryAfterMs : undefined);

describe('publishing Call_Event__e through sObject Collections', () => {
  test('200 calls are one request, each with its own event id', async () => {
    const { server, sink, metrics } = await start();
    const calls = snapshots(200);
    const outcomes = await sink.deliver(items(calls));
    assert.deepEqual(statuses(outcomes), Array(200).fill('delivered'));
    assert.equal(server.requests.publish, 1);
    assert.equal(server.events.length, 200);
    assert.equal(new Set(outcomes.map((o) => (o.status === 'delivered' ? o.detail : ''))).size, 200, 'one event id per call');
    assert.deepEqual(server.duplicates(), []);
    assert.equal(sink.requestCount, 2, 'a token request and one publish');
    assert.equal(await requestMetric(metrics), 2);
  });

  test('201 calls are two requests', async () => {
    const { server, sink } = await start();
    const outcomes = await sink.deliver(items(snapshots(201)));
    assert.equal(outcomes.filter((o) => o.status === 'delivered').length, 201);
    assert.equal(server.requests.publish, 2);
  });

  test('calls with long transcripts are split so no request body passes the size cap', async () => {
    const { server, sink } = await start({ integration: { policy: { transcript: true } }, maxRequestBytes: 120_000 });
    const sizes: number[] = [];
    server.onPublishBody = (_, body) => sizes.push(Buffer.byteLength(JSON.stringify(body), 'utf8'));
    const turns = Array.from({ length: 400 }, (_, i) => ({ speaker: 'caller' as const, text: `I need to move my appointment, number ${i}.`.repeat(3), startMs: i }));
    const outcomes = await sink.deliver(items(snapshots(10, { transcript: turns })));
    assert.deepEqual(statuses(outcomes), Array(10).fill('delivered'));
    assert.ok(sizes.length >= 3, `${sizes.length} requests`);
    for (const size of sizes) assert.ok(size <= 120_000 + 1_000, `${size} bytes`);
    assert.equal(server.events.length, 10);
  });

  test('after a request the org could not take, the rest of the batch waits for its retry', async () => {
    // A timeout long enough that only the injected no-answer fault reaches it on a loaded machine.
    const { server, sink } = await start({ batchSize: 10, timeoutMs: 2_000 });
    server.faults.push({ kind: 'timeout' });
    const outcomes = await sink.deliver(items(snapshots(30)));
    assert.deepEqual(statuses(outcomes), Array(30).fill('retry'));
    assert.match(errorOf(outcomes[29]), /not sent after an earlier request failed \(Salesforce request failed: no answer/);
    assert.equal(server.requests.publish, 1, 'one timeout, not three');
  });

  test('the event sent is the call after the integration\'s policy', async () => {
    const { server, sink } = await start({ integration: { policy: { metadataOnly: true } } });
    await sink.deliver(items([snapshot()]));
    const [event] = server.events;
    assert.equal(event?.Call_Id__c, snapshot().callId);
    assert.equal(event?.Disposition__c, 'appointment_booked');
    assert.equal('Summary__c' in (event ?? {}), false);
    assert.equal('Transcript_URL__c' in (event ?? {}), false);
  });

  test('a record the org refuses for a passing reason is retried alone; the rest are delivered once', async () => {
    const { server, sink } = await start();
    const calls = snapshots(30);
    server.faults.push({ kind: 'recordErrors', statusCode: 'UNABLE_TO_LOCK_ROW', pick: (_, i) => i % 3 === 0 });
    const first = await sink.deliver(items(calls));
    const retried = calls.filter((_, i) => first[i]?.status === 'retry');
    assert.equal(retried.length, 10);
    assert.equal(first.filter((o) => o.status === 'delivered').length, 20);
    assert.match(errorOf(first[0]), /UNABLE_TO_LOCK_ROW/);

    const second = await sink.deliver(items(retried, 2));
    assert.deepEqual(statuses(second), Array(10).fill('delivered'));
    assert.equal(server.requests.publish, 2);
    for (const call of calls) assert.equal(server.countOf(call.callId), 1, `${call.callId} exactly once`);
  });

  test('a record the org refuses for good fails alone, with the field named', async () => {
    const { server, sink } = await start({ server: { alterFields: { Caller_Name__c: { length: 8 } } } });
    const short = snapshot({ callId: 'CA-short' });
    const named = snapshot({ callId: 'CA-named' });
    const calls = [{ ...short, insights: { ...short.insights!, callerName: 'Al' } }, named];
    const outcomes = await sink.deliver(items(calls));
    assert.deepEqual(statuses(outcomes), ['delivered', 'failed']);
    assert.equal(errorOf(outcomes[1]), 'STRING_TOO_LONG (Caller_Name__c)', 'the code and the field, never the refused value');
    assert.equal(server.events.length, 1);
  });

  test('a call the contract cannot hold fails before any request, without holding back the others', async () => {
    const { server, sink } = await start();
    const outcomes = await sink.deliver(items([snapshot({ callId: 'CA-ok' }), snapshot({ callId: 'CA-bad', from: '+1'.repeat(30) })]));
    assert.deepEqual(statuses(outcomes), ['delivered', 'failed']);
    assert.match(errorOf(outcomes[1]), /From_Phone__c/);
    assert.equal(server.events.length, 1);
  });

  test('a field the org does not have fails the request: every call in it fails, naming the field', async () => {
    const { server, sink } = await start({ server: { omitFields: ['Tags__c'] } });
    const outcomes = await sink.deliver(items(snapshots(3)));
    assert.deepEqual(statuses(outcomes), ['failed', 'failed', 'failed']);
    assert.match(errorOf(outcomes[0]), /HTTP 400 INVALID_FIELD: No such column 'Tags__c'/);
    assert.equal(server.events.length, 0);
  });

  test('503 with Retry-After: every call is retried after that long, and the sink holds off meanwhile', async () => {
    const { server, sink, clock } = await start();
    server.faults.push({ kind: 'unavailable', retryAfterSeconds: 7 });
    const first = await sink.deliver(items(snapshots(4)));
    assert.deepEqual(statuses(first), Array(4).fill('retry'));
    assert.equal(retryAfter(first[0]), 7_000);
    assert.match(errorOf(first[0]), /HTTP 503 SERVER_UNAVAILABLE/);

    const early = await sink.deliver(items(snapshots(4)));
    assert.deepEqual(statuses(early), Array(4).fill('retry'));
    assert.equal(server.requests.publish, 1, 'no request while the org asked to wait');

    clock.now += 7_000;
    assert.deepEqual(statuses(await sink.deliver(items(snapshots(4)))), Array(4).fill('delivered'));
    assert.equal(server.events.length, 4);
  });

  test('REQUEST_LIMIT_EXCEEDED honours Retry-After and pauses every request until then', async () => {
    const { server, sink, clock } = await start();
    server.faults.push({ kind: 'requestLimit', retryAfterSeconds: 120 });
    const first = await sink.deliver(items(snapshots(2)));
    assert.deepEqual(statuses(first), ['retry', 'retry']);
    assert.equal(retryAfter(first[0]), 120_000);
    assert.match(errorOf(first[0]), /REQUEST_LIMIT_EXCEEDED/);
    assert.equal(sink.pausedForMs(), 120_000);

    clock.now += 60_000;
    const paused = await sink.deliver(items(snapshots(2)));
    assert.equal(retryAfter(paused[0]), 60_000);
    assert.equal(server.requests.publish, 1);

    clock.now += 60_000;
    assert.deepEqual(statuses(await sink.deliver(items(snapshots(2)))), ['delivered', 'delivered']);
  });

  test('REQUEST_LIMIT_EXCEEDED without Retry-After waits a quarter of an hour', async () => {
    const { server, sink } = await start();
    server.faults.push({ kind: 'requestLimit' });
    const [outcome] = await sink.deliver(items(snapshots(1)));
    assert.equal(retryAfter(outcome), 15 * 60_000);
  });

  test('a request without an answer is retried; nothing was published', async () => {
    // Long enough that only the injected no-answer fault reaches it, even on a loaded machine
    // (at 150 ms the clean token and publish requests timed out too).
    const { server, sink } = await start({ timeoutMs: 2_000 });
    server.faults.push({ kind: 'timeout' });
    const started = performance.now();
    const first = await sink.deliver(items(snapshots(3)));
    assert.ok(performance.now() - started < 20_000, 'bounded by the timeout');
    assert.deepEqual(statuses(first), ['retry', 'retry', 'retry']);
    assert.match(errorOf(first[0]), /no answer within 2000 ms/);
    assert.deepEqual(statuses(await sink.deliver(items(snapshots(3)))), ['delivered', 'delivered', 'delivered']);
    assert.equal(server.events.length, 3);
  });

  test('an unreachable org is a retry', async () => {
    const { server, sink } = await start();
    await server.close();
    const [outcome] = await sink.deliver(items(snapshots(1)));
    assert.equal(outcome?.status, 'retry');
    assert.match(errorOf(outcome), /Salesforce request failed/);
  });
});

describe('keeping within the org\'s daily API allocation (Sforce-Limit-Info)', () => {
  test('well below the allocation, requests go out back to back', async () => {
    const { server, sink } = await start({ server: { apiUsage: { used: 1_000, limit: 100_000 } } });
    await sink.deliver(items(snapshots(1)));
    assert.equal(sink.pausedForMs(), 0);
    assert.deepEqual(statuses(await sink.deliver(items(snapshots(1)))), ['delivered']);
    assert.equal(server.requests.publish, 2);
  });

  test('past 80% used, what is left above the reserve is spread over the day', async () => {
    const { server, sink, clock } = await start({ server: { apiUsage: { used: 85_000, limit: 100_000 } } });
    assert.deepEqual(statuses(await sink.deliver(items(snapshots(1)))), ['delivered']);
    // 85,001 used: 4,999 requests left above the 10% reserve, one every 86,400,000 / 4,999 ms.
    const spacing = Math.ceil(86_400_000 / 4_999);
    assert.equal(sink.pausedForMs(), spacing);

    const held = await sink.deliver(items(snapshots(3)));
    assert.deepEqual(statuses(held), ['retry', 'retry', 'retry']);
    assert.equal(retryAfter(held[0]), spacing);
    assert.equal(server.requests.publish, 1);

    clock.now += spacing;
    assert.deepEqual(statuses(await sink.deliver(items(snapshots(3)))), ['delivered', 'delivered', 'delivered']);
    assert.equal(server.requests.publish, 2);
  });

  test('at the reserve, publishing stops and looks again after a pause', async () => {
    const { server, sink, clock } = await start({ server: { apiUsage: { used: 89_999, limit: 100_000 } } });
    assert.deepEqual(statuses(await sink.deliver(items(snapshots(1)))), ['delivered']);
    assert.equal(sink.pausedForMs(), 15 * 60_000);
    assert.equal((await sink.deliver(items(snapshots(1))))[0]?.status, 'retry');
    assert.equal(server.requests.publish, 1);

    server.apiUsage.used = 50_000; // the rolling window moved on
    clock.now += 15 * 60_000;
    assert.deepEqual(statuses(await sink.deliver(items(snapshots(1)))), ['delivered']);
    assert.equal(sink.pausedForMs(), 0);
  });
});
