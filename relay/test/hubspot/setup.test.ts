import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HubSpotApi } from '../../src/sync/hubspot/api.ts';
import { propertyDefinitions, setupHubSpot } from '../../src/sync/hubspot/properties.ts';
import { taxonomy } from '../../src/taxonomy.ts';
import { HubSpotServer } from '../support/hubspot-server.ts';

describe('hubspot setup', () => {
  let server: HubSpotServer;
  let api: HubSpotApi;
  before(async () => {
    server = await new HubSpotServer().start();
    api = new HubSpotApi({ accessToken: server.accessToken, basePath: server.url });
  });
  after(() => server.stop());

  it('creates the group and properties on contacts, calls and tasks, with taxonomy options', async () => {
    const report = await setupHubSpot(api);
    const expected = Object.entries(propertyDefinitions).flatMap(([type, defs]) => [`${type} group ai_call_sync`, ...defs.map((d) => `${type}.${d.name}`)]);
    assert.deepEqual(report.created.sort(), expected.sort());
    const intent = server.properties.get('calls')?.get('ai_call_intent');
    assert.deepEqual(intent?.options?.map((o) => o.value), taxonomy.intents.map((i) => i.value));
    assert.equal(server.properties.get('calls')?.get('ai_call_id')?.hasUniqueValue, true);
    assert.equal(server.properties.get('tasks')?.get('ai_call_id')?.hasUniqueValue, true);
    assert.equal(server.properties.get('contacts')?.get('ai_call_phone_key')?.hasUniqueValue, true);
  });

  it('changes nothing when run again', async () => {
    const before = server.requests.filter((r) => r.method !== 'GET').length;
    const report = await setupHubSpot(api);
    assert.deepEqual(report.created, []);
    assert.deepEqual(report.updated, []);
    assert.equal(server.requests.filter((r) => r.method !== 'GET').length, before, 'no writes');
  });

  it('adds options the taxonomy gained and keeps options an admin added', async () => {
    const disposition = server.properties.get('contacts')?.get('ai_call_last_disposition');
    assert.ok(disposition?.options);
    disposition.options = [{ label: 'Admin extra', value: 'admin_extra' }, ...disposition.options.slice(1)];
    const report = await setupHubSpot(api);
    assert.deepEqual(report.updated, ['contacts.ai_call_last_disposition']);
    const values = server.properties.get('contacts')?.get('ai_call_last_disposition')?.options?.map((o) => o.value) ?? [];
    assert.ok(values.includes('admin_extra'));
    for (const d of taxonomy.dispositions) assert.ok(values.includes(d.value), d.value);
  });
});
