import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { callEventContract } from '../../src/sync/call-event.ts';
import { SalesforceCheckError, checkSalesforce, formatCheck } from '../../src/sync/salesforce/check.ts';
import { startSalesforceServer, type SalesforceServer, type SalesforceServerOptions } from '../support/salesforce-server.ts';
import { CLIENT_ID, CLIENT_SECRET } from './helpers.ts';

const servers: SalesforceServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function check(options: SalesforceServerOptions = {}) {
  const server = await startSalesforceServer({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...options });
  servers.push(server);
  const config = loadConfig({ SF_LOGIN_URL: server.url, SF_CLIENT_ID: CLIENT_ID, SF_CLIENT_SECRET: CLIENT_SECRET });
  return { server, result: await checkSalesforce(config) };
}

describe('salesforce check', () => {
  test('an org with the package installed has every field the relay sends', async () => {
    const { server, result } = await check();
    assert.deepEqual(result, { ok: true, instanceUrl: server.url, missing: [], incompatible: [] });
    assert.equal(server.requests.describe, 1);
    assert.match(formatCheck(result)[0] ?? '', new RegExp(`all ${callEventContract.fields.length} fields`));
  });

  test('a missing field and fields too small or of another type are each listed', async () => {
    const { result } = await check({
      omitFields: ['Tags__c'],
      alterFields: { Caller_Name__c: { length: 40 }, Consent__c: { type: 'string', length: 5 }, Intent_Confidence__c: { precision: 3, scale: 3 } },
    });
    assert.equal(result.ok, false);
    assert.deepEqual(result.missing, ['Tags__c']);
    assert.deepEqual(result.incompatible, [
      { field: 'Caller_Name__c', expected: 'Text(120)', found: 'string(40)' },
      { field: 'Intent_Confidence__c', expected: 'Number(4, 3)', found: 'double(3, 3)' },
      { field: 'Consent__c', expected: 'Checkbox', found: 'string(5)' },
    ]);
    assert.deepEqual(formatCheck(result), [
      'missing: Call_Event__e.Tags__c',
      'incompatible: Call_Event__e.Caller_Name__c: the relay sends Text(120), the org has string(40)',
      'incompatible: Call_Event__e.Intent_Confidence__c: the relay sends Number(4, 3), the org has double(3, 3)',
      'incompatible: Call_Event__e.Consent__c: the relay sends Checkbox, the org has string(5)',
    ]);
  });

  test('a field the integration user cannot set is reported', async () => {
    const { result } = await check({ alterFields: { Summary__c: { createable: false } } });
    assert.deepEqual(result.incompatible, [{ field: 'Summary__c', expected: 'LongTextArea(32768)', found: 'textarea(32768), not createable by the integration user' }]);
  });

  test('an org without Call_Event__e is told to deploy the package', async () => {
    const { result } = await check({ noEventObject: true });
    assert.equal(result.ok, false);
    assert.equal(result.missing.length, callEventContract.fields.length);
    assert.match(formatCheck(result)[0] ?? '', /does not exist .* deploy force-app first/);
  });

  test('without credentials the check says what to set', async () => {
    await assert.rejects(checkSalesforce(loadConfig({})), (error: Error) => error instanceof SalesforceCheckError && /SF_CLIENT_ID/.test(error.message));
  });
});
