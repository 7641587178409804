import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HubSpotApi } from '../../src/sync/hubspot/api.ts';
import { scopesUsed } from '../../src/sync/hubspot/operations.ts';
import { MissingScopesError, propertyDefinitions, setupHubSpot } from '../../src/sync/hubspot/properties.ts';
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
    // HubSpot documents unique values on contacts, not on engagements.
    assert.equal(server.properties.get('calls')?.get('ai_call_id')?.hasUniqueValue, undefined);
    assert.equal(server.properties.get('tasks')?.get('ai_call_id')?.hasUniqueValue, undefined);
    assert.equal(server.properties.get('contacts')?.get('ai_call_phone_key')?.hasUniqueValue, true);
    assert.match(report.notes.join('\n'), /^$/, 'an OAuth token with every scope leaves nothing to say');
  });

  it('changes nothing when run again', async () => {
    const writes = () => server.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/oauth/')).length;
    const before = writes();
    const report = await setupHubSpot(api);
    assert.deepEqual(report.created, []);
    assert.deepEqual(report.updated, []);
    assert.equal(writes(), before, 'no writes');
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

describe('hubspot setup checks the token first', () => {
  const run = async (options: ConstructorParameters<typeof HubSpotServer>[0]) => {
    const server = await new HubSpotServer(options).start();
    try {
      const api = new HubSpotApi({ accessToken: server.accessToken, basePath: server.url });
      return { result: await setupHubSpot(api).then((report) => ({ report }), (error: unknown) => ({ error })), server };
    } finally {
      await server.stop();
    }
  };

  it('names the one scope a token lacks and writes nothing', async () => {
    const { required } = scopesUsed();
    const { result, server } = await run({ scopes: required.filter((s) => s !== 'crm.schemas.calls.write') });
    assert.ok('error' in result && result.error instanceof MissingScopesError, 'setup stops');
    assert.deepEqual(result.error.missing, ['crm.schemas.calls.write']);
    assert.match(result.error.message, /lacks a scope the relay needs: crm\.schemas\.calls\.write \(for writePropertyCalls\)/);
    assert.deepEqual(server.requests.map((r) => r.path), ['/oauth/v2/private-apps/get/access-token-info', '/oauth/v1/access-tokens/pat-test-token']);
  });

  it('says transcript sync is unavailable with a static token, and sets up everything else', async () => {
    const { result } = await run({ tokenKind: 'static' });
    assert.ok('report' in result);
    assert.match(result.report.notes.join('\n'), /transcript sync unavailable: it needs an OAuth app/);
    assert.ok(result.report.created.includes('calls.ai_call_id'));
  });

  it('refuses a unique-value property on calls, as the relay no longer asks for one', async () => {
    const server = await new HubSpotServer().start();
    try {
      const api = new HubSpotApi({ accessToken: server.accessToken, basePath: server.url });
      await api.createPropertyGroup('calls', { name: 'g', label: 'G', displayOrder: -1 });
      await assert.rejects(
        api.createProperty('calls', { name: 'ai_call_x', label: 'X', type: 'string', fieldType: 'text', groupName: 'g', description: '', hasUniqueValue: true }),
        /HubSpot 400: Unique values are not supported on calls/,
      );
    } finally {
      await server.stop();
    }
  });

  it('reports lead statuses a customised portal lacks', async () => {
    const server = await new HubSpotServer().start();
    try {
      const status = server.properties.get('contacts')?.get('hs_lead_status');
      assert.ok(status?.options);
      status.options = status.options.filter((o) => o.value !== 'OPEN_DEAL');
      const report = await setupHubSpot(new HubSpotApi({ accessToken: server.accessToken, basePath: server.url }));
      assert.match(report.notes.join('\n'), /lead statuses this portal lacks .*: OPEN_DEAL$/);
    } finally {
      await server.stop();
    }
  });
});
