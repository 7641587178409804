import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { RelayFile, SyncPolicy } from '../../src/config.ts';
import { DryRunSink, type DryRunEntry } from '../../src/sync/dry-run.ts';
import { applyPolicy } from '../../src/sync/policy.ts';
import { harness, items, type Harness } from '../salesforce/helpers.ts';
import { snapshot } from './fixtures.ts';

function dryRun(integrations: unknown = {}, record?: (entry: DryRunEntry) => Promise<void>) {
  const entries: DryRunEntry[] = [];
  const sink = new DryRunSink({
    integrations: RelayFile.parse({ integrations }).integrations,
    apiVersion: '62.0',
    record: record ?? (async (entry) => void entries.push(structuredClone(entry))),
  });
  return { sink, entries };
}

let org: Harness | undefined;
after(() => org?.close());

describe('dry-run sink', () => {
  test('records byte for byte the sObject Collections request the Salesforce sink sends for the call', async () => {
    const call = snapshot();
    const { sink, entries } = dryRun();
    assert.deepEqual(await sink.deliver(items([call])), [{ status: 'delivered', detail: 'salesforce, hubspot' }]);
    const recorded = entries.find((e) => e.sink === 'salesforce');
    assert.ok(recorded);
    assert.equal(recorded.callId, call.callId);

    // The same call through the real sink, to a local org that keeps what it was sent.
    org = await harness();
    let sent: { path: string; body: unknown } | undefined;
    org.server.onPublishBody = (path, body) => (sent = { path, body });
    await org.sink.deliver(items([call]));
    assert.ok(sent);
    assert.deepEqual(recorded.request, { method: 'POST', path: sent.path, body: sent.body });
  });

  test('records, for HubSpot, the call after HubSpot\'s own policy', async () => {
    const call = snapshot();
    const { sink, entries } = dryRun({ hubspot: { policy: { transcript: true } }, salesforce: { policy: { metadataOnly: true } } });
    await sink.deliver(items([call]));
    const hubspot = entries.find((e) => e.sink === 'hubspot');
    assert.deepEqual(hubspot?.request, JSON.parse(JSON.stringify(applyPolicy(call, { ...SyncPolicy.parse({}), transcript: true }))));
    const salesforce = entries.find((e) => e.sink === 'salesforce')?.request as { body: { records: Record<string, unknown>[] } };
    assert.equal('Summary__c' in salesforce.body.records[0]!, false, 'Salesforce\'s metadata-only policy applies to its request only');
  });

  test('a disabled CRM gets nothing recorded', async () => {
    const { sink, entries } = dryRun({ hubspot: { enabled: false } });
    await sink.deliver(items([snapshot()]));
    assert.deepEqual(entries.map((e) => e.sink), ['salesforce']);
  });

  test('a call the contract cannot hold fails alone; the others are recorded', async () => {
    const { sink, entries } = dryRun({ hubspot: { enabled: false } });
    const outcomes = await sink.deliver(items([snapshot({ callId: 'CA-bad', from: '+1'.repeat(30) }), snapshot({ callId: 'CA-ok' })]));
    assert.deepEqual(outcomes.map((o) => o.status), ['failed', 'delivered']);
    assert.deepEqual(entries.map((e) => e.callId), ['CA-ok']);
  });

  test('when recording fails the call is retried', async () => {
    const { sink } = dryRun({}, async () => {
      throw new Error('disk full');
    });
    const [outcome] = await sink.deliver(items([snapshot()]));
    assert.equal(outcome?.status, 'retry');
    assert.match(outcome?.status === 'retry' ? outcome.error : '', /disk full/);
  });
});
