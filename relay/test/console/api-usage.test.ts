import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { harness as hubspotHarness, items as hubspotItems } from '../hubspot/harness.ts';
import { harness as salesforceHarness, items as salesforceItems } from '../salesforce/helpers.ts';
import { snapshot } from '../sync/fixtures.ts';

// The console's integration status shows each sink's API usage against the CRM's limits.
describe('API usage the console shows', () => {
  it('reports the Salesforce org\'s rolling 24-hour usage from Sforce-Limit-Info', async () => {
    const org = await salesforceHarness({ server: { apiUsage: { used: 4200, limit: 15_000 } } });
    try {
      assert.deepEqual(org.sink.apiUsage(), [], 'nothing known before the first request');
      await org.sink.deliver(salesforceItems([snapshot({ callId: 'CA-usage-1' })]));
      const [usage] = org.sink.apiUsage();
      assert.equal(usage?.limit, 15_000);
      assert.ok(usage && usage.used >= 4200, JSON.stringify(usage));
    } finally {
      await org.close();
    }
  });

  it('reports HubSpot\'s busiest ten seconds against the ten-second budget', async () => {
    const h = await hubspotHarness();
    try {
      await h.sink.deliver(hubspotItems(snapshot({ callId: 'CA-usage-2' })));
      const [usage] = h.sink.apiUsage();
      assert.ok(usage && usage.used >= 1 && usage.limit >= usage.used, JSON.stringify(usage));
    } finally {
      await h.close();
    }
  });
});
