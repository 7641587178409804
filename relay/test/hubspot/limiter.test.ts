import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubSpotPaused, PortalLimiter } from '../../src/sync/hubspot/limiter.ts';

/** A limiter on a virtual clock: sleeping moves time, so windows can be tested instantly. */
function virtual(options: ConstructorParameters<typeof PortalLimiter>[0] = {}) {
  let now = 1_000_000;
  const sent: number[] = [];
  const limiter = new PortalLimiter({
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    ...options,
  });
  const send = async (search = false) => {
    await limiter.acquire({ search });
    sent.push(now);
  };
  return { limiter, send, sent, advance: (ms: number) => (now += ms), now: () => now };
}

function busiestTenSeconds(times: number[]): number {
  let peak = 0;
  for (let i = 0; i < times.length; i++) peak = Math.max(peak, times.filter((t) => t >= (times[i] ?? 0) && t < (times[i] ?? 0) + 10_000).length);
  return peak;
}

describe('portal limiter', () => {
  it('never sends more than its share of the 10-second limit in any rolling window', async () => {
    const { limiter, send, sent } = virtual({ perTenSeconds: 100, headroom: 0.9, maxWaitMs: 60_000 });
    for (let i = 0; i < 400; i++) await send();
    assert.equal(limiter.tenSecondBudget, 90);
    assert.equal(busiestTenSeconds(sent), 90);
    assert.equal(limiter.peakPerTenSeconds, 90);
    assert.ok((sent.at(-1) ?? 0) - (sent[0] ?? 0) >= 30_000, '400 requests at 90 per 10 s take over 30 s');
  });

  it('keeps searches under the search API per-second limit', async () => {
    const { send, sent } = virtual({ searchPerSecond: 5, headroom: 0.9, maxWaitMs: 60_000 });
    for (let i = 0; i < 20; i++) await send(true);
    for (let i = 0; i < sent.length; i++) {
      const inSecond = sent.filter((t) => t >= (sent[i] ?? 0) && t < (sent[i] ?? 0) + 1_000).length;
      assert.ok(inSecond <= 4, `at most 4 searches per second, saw ${inSecond}`);
    }
  });

  it('holds every request back for a Retry-After pause, and throws HubSpotPaused when the wait is long', async () => {
    const { limiter, send, now } = virtual({ maxWaitMs: 5_000 });
    const start = now();
    limiter.pause(2_000, 'rate limited');
    await send();
    assert.equal(now() - start, 2_000, 'waited out the short pause');
    limiter.pause(60_000, 'rate limited');
    await assert.rejects(send(), (error: unknown) => error instanceof HubSpotPaused && error.retryAfterMs === 60_000);
    assert.equal(limiter.pausedForMs(), 60_000);
  });

  it('pauses for an hour on the daily limit when HubSpot gives no Retry-After, and stops at its own daily budget', async () => {
    const { limiter } = virtual();
    limiter.pauseForDailyLimit(undefined);
    assert.equal(limiter.pausedForMs(), 3_600_000);

    const small = virtual({ perDay: 10, headroom: 1, maxWaitMs: 1_000 });
    for (let i = 0; i < 10; i++) await small.send();
    await assert.rejects(small.send(), HubSpotPaused);
    small.advance(86_400_000);
    await small.send();
  });
});
