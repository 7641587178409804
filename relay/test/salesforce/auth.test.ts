import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../src/config.ts';
import { salesforceCredentials } from '../../src/sync/salesforce/credentials.ts';
import { snapshots } from '../sync/fixtures.ts';
import { testKeyPair } from '../support/salesforce-server.ts';
import { CLIENT_ID, CLIENT_SECRET, USERNAME, closeStarted, items, start, keys, requestMetric } from './helpers.ts';

after(closeStarted);

describe('Salesforce authentication', () => {
  test('JWT bearer: an RS256 assertion the org verifies, then the publish', async () => {
    const { server, sink, metrics } = await start();
    const outcomes = await sink.deliver(items(snapshots(3)));
    assert.deepEqual(outcomes.map((o) => o.status), ['delivered', 'delivered', 'delivered']);
    assert.deepEqual(server.grants, ['urn:ietf:params:oauth:grant-type:jwt-bearer']);
    assert.equal(server.events.length, 3);
    assert.equal(sink.requestCount, 2, 'one token request and one publish');
    assert.equal(await requestMetric(metrics), 2, 'the token request is counted in the metric too');
  });

  test('JWT bearer: an assertion signed with another key is refused and nothing is published', async () => {
    const { server, sink } = await start({ privateKey: testKeyPair().privateKey });
    const [outcome] = await sink.deliver(items(snapshots(1)));
    assert.equal(outcome?.status, 'retry');
    assert.match(outcome?.status === 'retry' ? outcome.error : '', /invalid_grant: invalid assertion signature/);
    assert.equal(server.events.length, 0);
  });

  test('JWT bearer: the audience must be the login URL', async () => {
    const { server, sink } = await start({ server: { audience: 'https://test.salesforce.com' } });
    const [outcome] = await sink.deliver(items(snapshots(1)));
    assert.match(outcome?.status === 'retry' ? outcome.error : '', /audience is invalid/);
    assert.equal(server.events.length, 0);
  });

  test('client credentials: the app\'s id and secret against the My Domain token endpoint', async () => {
    const { server, sink } = await start({ flow: 'client_credentials' });
    const outcomes = await sink.deliver(items(snapshots(2)));
    assert.deepEqual(outcomes.map((o) => o.status), ['delivered', 'delivered']);
    assert.deepEqual(server.grants, ['client_credentials']);
  });

  test('client credentials: a wrong secret is refused, and the secret never appears in the error', async () => {
    const { server, sink } = await start({ flow: 'client_credentials', server: { clientSecret: 'another-secret' } });
    const [outcome] = await sink.deliver(items(snapshots(1)));
    const error = outcome?.status === 'retry' ? outcome.error : '';
    assert.match(error, /invalid_client/);
    assert.equal(error.includes(CLIENT_SECRET), false);
    assert.equal(server.events.length, 0);
  });

  test('the token is cached across deliveries', async () => {
    const { server, sink } = await start();
    await sink.deliver(items(snapshots(1)));
    await sink.deliver(items(snapshots(1, { callId: 'CA-second' })));
    assert.equal(server.requests.token, 1);
    assert.equal(server.requests.publish, 2);
  });

  test('INVALID_SESSION_ID: the token is fetched again once and the same request repeated', async () => {
    const { server, sink } = await start();
    await sink.deliver(items(snapshots(1)));
    server.faults.push({ kind: 'invalidSession' });
    const calls = snapshots(5, { agentId: 'after-expiry' }).map((s, i) => ({ ...s, callId: `CA-expiry-${i}` }));
    const outcomes = await sink.deliver(items(calls));
    assert.deepEqual(outcomes.map((o) => o.status), Array(5).fill('delivered'));
    assert.equal(server.requests.token, 2);
    assert.equal(server.requests.refused, 1);
    for (const call of calls) assert.equal(server.countOf(call.callId), 1);
  });

  test('a session refused again after the refresh is retried later, not refreshed in a loop', async () => {
    const { server, sink } = await start();
    server.faults.push({ kind: 'invalidSession' }, { kind: 'invalidSession' });
    const [outcome] = await sink.deliver(items(snapshots(1)));
    assert.equal(outcome?.status, 'retry');
    assert.match(outcome?.status === 'retry' ? outcome.error : '', /HTTP 401 INVALID_SESSION_ID/);
    assert.equal(server.requests.token, 2, 'the first token and exactly one refresh');
    assert.equal(server.events.length, 0);
  });
});

describe('Salesforce credentials from the environment', () => {
  test('nothing set: Salesforce is simply not configured', () => {
    assert.equal(salesforceCredentials({}), null);
  });

  test('JWT bearer with the production login URL by default and a one-line key', () => {
    const oneLine = keys.privateKey.replace(/\n/g, '\\n');
    const credentials = salesforceCredentials({ SF_CLIENT_ID: CLIENT_ID, SF_USERNAME: USERNAME, SF_PRIVATE_KEY: oneLine });
    assert.deepEqual(credentials, { flow: 'jwt', loginUrl: 'https://login.salesforce.com', clientId: CLIENT_ID, username: USERNAME, privateKey: keys.privateKey });
  });

  test('JWT bearer with a sandbox login URL and the key in a file', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sf-key-')), 'server.key');
    writeFileSync(file, keys.privateKey);
    const credentials = salesforceCredentials({ SF_CLIENT_ID: CLIENT_ID, SF_USERNAME: USERNAME, SF_PRIVATE_KEY_FILE: file, SF_LOGIN_URL: 'https://test.salesforce.com/' });
    assert.equal(credentials?.flow, 'jwt');
    assert.equal(credentials?.loginUrl, 'https://test.salesforce.com');
    assert.equal(credentials?.flow === 'jwt' && credentials.privateKey, keys.privateKey);
  });

  test('client credentials need the org\'s My Domain', () => {
    assert.throws(() => salesforceCredentials({ SF_CLIENT_ID: CLIENT_ID, SF_CLIENT_SECRET: CLIENT_SECRET }), ConfigError);
    assert.deepEqual(salesforceCredentials({ SF_CLIENT_ID: CLIENT_ID, SF_CLIENT_SECRET: CLIENT_SECRET, SF_LOGIN_URL: 'https://acme.my.salesforce.com' }), {
      flow: 'client_credentials',
      loginUrl: 'https://acme.my.salesforce.com',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
  });

  test('half a configuration names what is missing', () => {
    assert.throws(() => salesforceCredentials({ SF_USERNAME: USERNAME }), /SF_CLIENT_ID/);
    assert.throws(() => salesforceCredentials({ SF_CLIENT_ID: CLIENT_ID, SF_PRIVATE_KEY: keys.privateKey }), /SF_USERNAME/);
    assert.throws(() => salesforceCredentials({ SF_CLIENT_ID: CLIENT_ID, SF_USERNAME: USERNAME }), /SF_PRIVATE_KEY/);
    assert.throws(() => salesforceCredentials({ SF_CLIENT_ID: CLIENT_ID, SF_PRIVATE_KEY_FILE: '/nonexistent/key', SF_USERNAME: USERNAME }), /SF_PRIVATE_KEY_FILE/);
  });
});
