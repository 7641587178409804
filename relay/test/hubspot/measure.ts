// HubSpot requests per synced call and the limiter's busiest 10 seconds, measured through the
// real sink and @hubspot/api-client against the local HubSpot. `npm run bench` can import
// measureHubSpotSync(); `node relay/test/hubspot/measure.ts` prints the figures.
import { snapshot } from '../sync/fixtures.ts';
import type { CallSnapshot } from '../../src/sync/snapshot.ts';
import { PRIMARY_COMPANY } from '../support/hubspot-server.ts';
import { harness, items } from './harness.ts';

export type HubSpotSyncFigures = {
  /** One call from a caller HubSpot has never seen. */
  newCallerRequests: number;
  /** One call from a caller the relay has synced before. */
  knownCallerRequests: number;
  /**
   * The first call from a caller HubSpot already has, with a primary company and an open deal:
   * the call and its task are linked to both.
   */
  existingWithCompanyAndDealRequests: number;
  /** A later call from that caller. */
  knownWithCompanyAndDealRequests: number;
  replayRequests: number;
  /** Under load, batches of `batchSize`: requests per call for new and for known callers. */
  batchSize: number;
  loadNewPerCall: number;
  loadKnownPerCall: number;
  /** The portal limit the load ran against, the limiter's budget, and what it reached. */
  tenSecondLimit: number;
  tenSecondBudget: number;
  peakPerTenSeconds: number;
  rateLimited: number;
  loadSeconds: number;
};

const caller = (i: number, callId: string, overrides: Partial<CallSnapshot> = {}) =>
  snapshot({
    callId,
    from: `+1212555${String(1000 + i)}`,
    insights: { ...snapshot().insights!, callerEmail: `caller${i}@example.com` },
    ...overrides,
  });

export async function measureHubSpotSync(options: { calls?: number; batchSize?: number; tenSecondLimit?: number } = {}): Promise<HubSpotSyncFigures> {
  const calls = options.calls ?? 80;
  const batchSize = options.batchSize ?? 40;
  const tenSecondLimit = options.tenSecondLimit ?? 40;

  const single = await harness();
  let newCallerRequests: number;
  let knownCallerRequests: number;
  let replayRequests: number;
  let existingWithCompanyAndDealRequests: number;
  let knownWithCompanyAndDealRequests: number;
  try {
    // The dispositions list is fetched once an hour, not per call; warm it outside the count.
    await single.sink.deliver(items(caller(9000, 'CA-warm')));
    const count = async (call: CallSnapshot) => {
      const before = single.server.requests.length;
      const [outcome] = await single.sink.deliver(items(call));
      if (outcome?.status !== 'delivered') throw new Error(`not delivered: ${JSON.stringify(outcome)}`);
      return single.server.requests.length - before;
    };
    newCallerRequests = await count(caller(1, 'CA-new'));
    knownCallerRequests = await count(caller(1, 'CA-known', { startedAt: '2026-03-03T10:00:00.000Z' }));
    replayRequests = await count(caller(1, 'CA-known'));

    const contact = single.server.seed('contacts', { phone: '+12125557000' });
    const company = single.server.seed('companies', { name: 'Harbor Dental' });
    const deal = single.server.seed('deals', { dealname: 'Implants', hs_is_closed: 'false' });
    single.server.link('contacts', contact.id, 'companies', company.id, PRIMARY_COMPANY);
    single.server.link('contacts', contact.id, 'deals', deal.id);
    const linked = (callId: string) => snapshot({ callId, from: '+12125557000', insights: { ...snapshot().insights!, callerEmail: null } });
    existingWithCompanyAndDealRequests = await count(linked('CA-existing-linked'));
    knownWithCompanyAndDealRequests = await count({ ...linked('CA-known-linked'), startedAt: '2026-03-03T10:00:00.000Z' });
    const call = single.server.all('calls').find((c) => c.properties.ai_call_id === 'CA-known-linked');
    if (!call || single.server.associated('calls', call.id, 'deals')[0] !== deal.id || single.server.associated('calls', call.id, 'companies')[0] !== company.id) {
      throw new Error('the call was not linked to the company and the deal');
    }
  } finally {
    await single.close();
  }

  const load = await harness({ server: { tenSecondLimit }, limiter: { perTenSeconds: tenSecondLimit, maxWaitMs: 30_000 } });
  try {
    const half = Math.floor(calls / 2);
    // Known callers: their first calls are synced before the measured run.
    const warm = Array.from({ length: half }, (_, i) => caller(i, `CA-load-first-${i}`));
    for (let i = 0; i < warm.length; i += batchSize) await load.sink.deliver(items(...warm.slice(i, i + batchSize)));
    const run = async (batch: CallSnapshot[]) => {
      const before = load.server.requests.length;
      for (let i = 0; i < batch.length; i += batchSize) {
        const outcomes = await load.sink.deliver(items(...batch.slice(i, i + batchSize)));
        const failed = outcomes.filter((o) => o.status !== 'delivered');
        if (failed.length > 0) throw new Error(`not delivered: ${JSON.stringify(failed[0])}`);
      }
      return (load.server.requests.length - before) / batch.length;
    };
    const started = Date.now();
    const loadKnownPerCall = await run(Array.from({ length: half }, (_, i) => caller(i, `CA-load-again-${i}`, { startedAt: '2026-03-04T10:00:00.000Z' })));
    const loadNewPerCall = await run(Array.from({ length: calls - half }, (_, i) => caller(half + i, `CA-load-new-${i}`)));
    return {
      newCallerRequests,
      knownCallerRequests,
      existingWithCompanyAndDealRequests,
      knownWithCompanyAndDealRequests,
      replayRequests,
      batchSize,
      loadNewPerCall,
      loadKnownPerCall,
      tenSecondLimit,
      tenSecondBudget: load.sink.stats.tenSecondBudget,
      peakPerTenSeconds: load.server.peakPerTenSeconds(),
      rateLimited: load.server.requests.filter((r) => r.status === 429).length,
      loadSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await load.close();
  }
}

if (import.meta.main) {
  const figures = await measureHubSpotSync();
  console.log(JSON.stringify(figures, null, 2));
}
