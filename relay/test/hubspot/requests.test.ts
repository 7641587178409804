// How many HubSpot requests a synced call costs; a change that adds a request per call fails here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { snapshot } from '../sync/fixtures.ts';
import type { CallSnapshot } from '../../src/sync/snapshot.ts';
import pino from 'pino';
import { Env, RelayFile } from '../../src/config.ts';
import { createMetrics } from '../../src/metrics.ts';
import { HubSpotApi } from '../../src/sync/hubspot/api.ts';
import { setupHubSpot } from '../../src/sync/hubspot/properties.ts';
import { HubSpotSink, createHubSpotApi, createHubSpotSink } from '../../src/sync/hubspot/sink.ts';
import { HubSpotServer } from '../support/hubspot-server.ts';
import { harness, items, testSyncOptions } from './harness.ts';
import { MemoryMappings } from './memory-mappings.ts';

const caller = (i: number, callId: string, overrides: Partial<CallSnapshot> = {}) =>
  snapshot({ callId, from: `+1312555${String(1000 + i)}`, insights: { ...snapshot().insights!, callerEmail: null }, ...overrides });

describe('HubSpot requests per synced call', () => {
  it('costs 4 for a new caller, 4 for a known one with a follow-up, 3 without, and nothing on replay', async () => {
    const h = await harness();
    try {
      await h.sink.deliver(items(caller(0, 'CA-warm')));
      const cost = async (call: CallSnapshot) => {
        const before = h.server.requests.length;
        const [outcome] = await h.sink.deliver(items(call));
        assert.equal(outcome?.status, 'delivered');
        return h.server.requests.map((r) => r.path).slice(before);
      };
      assert.deepEqual(await cost(caller(1, 'CA-new')), [
        '/crm/v3/objects/contacts/search',
        '/crm/v3/objects/contacts/batch/create',
        '/crm/v3/objects/calls/batch/create',
        '/crm/v3/objects/tasks/batch/create',
      ]);
      assert.deepEqual(await cost(caller(1, 'CA-known', { startedAt: '2026-03-05T10:00:00.000Z' })), [
        '/crm/v3/objects/contacts/batch/read',
        '/crm/v3/objects/contacts/batch/update',
        '/crm/v3/objects/calls/batch/create',
        '/crm/v3/objects/tasks/batch/create',
      ]);
      const noFollowUp = { ...snapshot().insights!, callerEmail: null, nextAction: null, nextActionDue: null, pipelineStage: null, disposition: 'resolved' as const };
      assert.deepEqual(await cost(caller(1, 'CA-resolved', { insights: noFollowUp })), [
        '/crm/v3/objects/contacts/batch/read',
        '/crm/v3/objects/contacts/batch/update',
        '/crm/v3/objects/calls/batch/create',
      ]);
      assert.deepEqual(await cost(caller(1, 'CA-known')), []);
    } finally {
      await h.close();
    }
  });

  it('shares requests across a batch: one search per new caller, then one request per kind of write', async () => {
    // Limits are the limiter's own test; here they would only slow the count down.
    const h = await harness({ limiter: { searchPerSecond: 1_000, perTenSeconds: 10_000 } });
    try {
      await h.sink.deliver(items(caller(0, 'CA-warm')));
      const known = Array.from({ length: 30 }, (_, i) => caller(100 + i, `CA-first-${i}`));
      await h.sink.deliver(items(...known));
      let before = h.server.requests.length;
      await h.sink.deliver(items(...known.map((c, i) => ({ ...c, callId: `CA-again-${i}` }))));
      const knownCost = h.server.requests.length - before;
      assert.equal(knownCost, 4, 'read, update, calls, tasks for 30 known callers');

      before = h.server.requests.length;
      const outcomes = await h.sink.deliver(items(...Array.from({ length: 150 }, (_, i) => caller(200 + i, `CA-new-${i}`))));
      assert.ok(outcomes.every((o) => o.status === 'delivered'));
      const newCost = h.server.requests.length - before;
      // 150 searches, then upsert, calls and tasks in chunks of HubSpot's 100-input batch limit.
      assert.equal(newCost, 150 + 2 + 2 + 2);
    } finally {
      await h.close();
    }
  });
});

describe('HubSpot request accounting', () => {
  it('counts every HTTP request in relay_crm_requests_total{sink="hubspot"} and in the sink stats', async () => {
    const metrics = createMetrics();
    const server = await new HubSpotServer().start();
    try {
      const api = new HubSpotApi({ accessToken: server.accessToken, basePath: server.url, metrics });
      await setupHubSpot(api);
      const sink = new HubSpotSink({ api, mappings: new MemoryMappings(), integration: RelayFile.parse({}).integrations.hubspot, options: testSyncOptions() });
      server.fail({ status: 502, pathIncludes: '/objects/calls/' });
      await sink.deliver(items(caller(1, 'CA-counted')));
      await sink.deliver(items(caller(1, 'CA-counted')));
      const counted = (await metrics.crmRequests.get()).values.find((v) => v.labels.sink === 'hubspot')?.value;
      assert.equal(counted, server.requests.length, 'refused requests count too');
      assert.equal(sink.stats.requests, server.requests.length);
      assert.equal(sink.stats.deliveredCalls, 1);
    } finally {
      await server.stop();
    }
  });
});

describe('HubSpot from the environment', () => {
  const config = (env: Record<string, string>, hubspot: Record<string, unknown> = {}) => ({
    env: Env.parse(env),
    file: RelayFile.parse({ integrations: { hubspot } }),
    dataDir: '.data',
  });
  const deps = (api: HubSpotApi | null) => ({ api, log: pino({ level: 'silent' }), mappings: new MemoryMappings() });

  it('builds the sink only with a token and the integration enabled', () => {
    assert.equal(createHubSpotApi(config({})), null);
    const withToken = config({ HUBSPOT_ACCESS_TOKEN: 'pat-x', HUBSPOT_BASE_URL: 'http://127.0.0.1:9' });
    const api = createHubSpotApi(withToken);
    assert.ok(api);
    assert.ok(createHubSpotSink(withToken, deps(api)) instanceof HubSpotSink);
    assert.equal(createHubSpotSink(config({ HUBSPOT_ACCESS_TOKEN: 'pat-x' }, { enabled: false }), deps(api)), null);
    assert.equal(createHubSpotSink(withToken, deps(null)), null);
  });
});
