// Two relays on one store share the portal's budget: together they stay under it, and a 429
// one of them receives holds the other back too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDb, type Db } from '../../src/store/db.ts';
import { HubSpotPaused, PortalLimiter } from '../../src/sync/hubspot/limiter.ts';
import { SqlSharedLimits } from '../../src/sync/hubspot/shared-limits.ts';
import { testEngine, testStore } from '../support/db.ts';

describe(`HubSpot budget shared through the store (${testEngine})`, () => {
  const store = testStore();
  let db: Db;
  before(async () => {
    db = await openDb(store.location, { schema: store.schema });
  });
  after(async () => {
    await db.close();
    await store.drop();
  });

  // maxWaitMs 0: a request over the budget is refused at once instead of waiting 10 s.
  const relay = () => new PortalLimiter({ perTenSeconds: 10, headroom: 1, maxWaitMs: 0, shared: new SqlSharedLimits(db) });

  it('lets two relays together send no more than the portal budget in 10 seconds', async () => {
    const [a, b] = [relay(), relay()];
    let sent = 0;
    let refused = 0;
    for (let i = 0; i < 8; i++) {
      for (const limiter of [a, b]) {
        await limiter.acquire({ search: false }).then(
          () => (sent += 1),
          (error: unknown) => {
            assert.ok(error instanceof HubSpotPaused, String(error));
            refused += 1;
          },
        );
      }
    }
    assert.equal(sent, 10, 'each alone would have sent 8; together they stop at the budget');
    assert.equal(refused, 6);
    assert.ok(a.peakPerTenSeconds <= 10 && b.peakPerTenSeconds <= 10);
  });

  it("holds every relay back for one relay's Retry-After", async () => {
    await db.query('delete from hubspot_requests');
    const [a, b] = [relay(), relay()];
    a.pause(30_000, 'rate limited (TEN_SECONDLY_ROLLING)');
    const refusal = async () => b.acquire({ search: false }).then(() => null, (error: unknown) => error);
    let error = await refusal();
    for (let i = 0; i < 50 && !(error instanceof HubSpotPaused); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      error = await refusal();
    }
    assert.ok(error instanceof HubSpotPaused, 'the other relay pauses too');
    assert.match(error.message, /rate limited/);
    assert.ok(error.retryAfterMs > 25_000);
  });
});
