import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorFromAnswer, outcomeFor } from '../../src/sync/hubspot/errors.ts';
import { HubSpotPaused } from '../../src/sync/hubspot/limiter.ts';

describe('HubSpot failures as delivery outcomes', () => {
  it('retries rate limits, server errors and network failures, honouring Retry-After', () => {
    assert.deepEqual(outcomeFor(errorFromAnswer(429, { message: 'limit', policyName: 'TEN_SECONDLY_ROLLING' }, { 'retry-after': '2' })), {
      status: 'retry',
      error: 'HubSpot 429: limit',
      retryAfterMs: 2_000,
    });
    assert.equal(outcomeFor(errorFromAnswer(503, '<html>busy</html>', {})).status, 'retry');
    assert.equal(outcomeFor(new TypeError('fetch failed')).status, 'retry');
    assert.deepEqual(outcomeFor(new HubSpotPaused('daily limit reached', 3_600_000)), {
      status: 'retry',
      error: 'HubSpot paused: daily limit reached; resuming in 3600 s',
      retryAfterMs: 3_600_000,
    });
  });

  it('fails what HubSpot refuses on its merits', () => {
    for (const status of [400, 401, 403, 404, 409]) assert.equal(outcomeFor(errorFromAnswer(status, { message: 'no' }, {})).status, 'failed', String(status));
  });

  it('reads the rate-limit policy so a daily limit can pause instead of fail', () => {
    const error = errorFromAnswer(429, JSON.stringify({ errorType: 'RATE_LIMIT', policyName: 'DAILY', message: 'daily' }), new Headers());
    assert.equal(error.isDailyLimit, true);
    assert.equal(error.category, 'RATE_LIMIT');
  });

  it('keeps phone numbers and emails HubSpot quotes back out of error texts', () => {
    const error = errorFromAnswer(
      409,
      { message: 'A contact with ai_call_phone_key "+15615550192" already exists; email dana.w@example.com; phone (561) 555-0192' },
      {},
    );
    assert.doesNotMatch(error.message, /5550192|555-0192|dana/);
    assert.match(error.message, /\[number\].*\[email\]/);
  });
});
