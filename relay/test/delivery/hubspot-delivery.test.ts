// Calls into HubSpot through the whole relay, with the card endpoint reading them back: the real
// @hubspot/api-client against a local portal that follows HubSpot's documented contracts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { signatureV3 } from '../../src/web/hubspot-signature.ts';
import { HubSpotServer } from '../support/hubspot-server.ts';
import { genericCall, postCall, relayEnv, startRelay, waitFor, type RelayEnv } from '../support/relay-harness.ts';
import type { Relay } from '../../src/pipeline.ts';

const cli = new URL('../../src/cli.ts', import.meta.url).pathname;
const CLIENT_SECRET = 'hubspot-app-client-secret-0123';
const PORTAL = '4455667';
// PUBLIC_URL is set (the transcript links need it), so the API needs its token.
const API_TOKEN = 'hubspot-delivery-api-token-0123';
const api = { authorization: `Bearer ${API_TOKEN}` };

describe(`delivery to HubSpot through the relay (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: HubSpotServer;
  let setup: RelayEnv;
  let relay: Relay;
  let url: string;
  before(async () => {
    // The search index lags by seconds, as HubSpot's does: only the relay's own memory can find
    // a caller who rings back at once.
    server = await new HubSpotServer({ searchLagMs: 60_000 }).start();
    setup = relayEnv(
      { finalisation: { graceSeconds: 0 }, delivery: { flushMs: 50, baseBackoffMs: 20, maxBackoffMs: 300 }, retention: { redactCrmsOnDelete: true } },
      { HUBSPOT_ACCESS_TOKEN: server.accessToken, HUBSPOT_BASE_URL: server.url, HUBSPOT_CLIENT_SECRET: CLIENT_SECRET, HUBSPOT_PORTAL_ID: PORTAL, PUBLIC_URL: 'https://relay.example.com', API_TOKEN },
    );
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'hubspot', 'setup'], { env: { ...process.env, ...setup.env } });
    assert.match(stdout, /created: .*ai_call_id/, '`hubspot setup` creates the properties');
    ({ relay, url } = await startRelay(setup));
  });
  after(async () => {
    await relay.stop();
    await server.stop();
    await setup.cleanup();
  });

  it('creates one contact, one call and one task; a call back a moment later finds the same contact', async () => {
    const first = { ...genericCall(1, 'hs'), from: '+12125550147' };
    assert.equal((await postCall(url, first)).status, 200);
    await waitFor('the call in HubSpot', () => server.all('calls').length === 1);
    const detail = (await (await fetch(`${url}/api/calls/${first.callId}`, { headers: api })).json()) as { insights: { nextAction: string | null }; deliveries: { status: string }[] };
    await waitFor('the delivery settled', async () => ((await (await fetch(`${url}/api/calls/${first.callId}`, { headers: api })).json()) as typeof detail).deliveries[0]?.status === 'delivered');
    assert.ok(detail.insights.nextAction, 'the analyser found the promised callback');
    assert.equal(server.all('contacts').length, 1);
    assert.equal(server.all('tasks').length, 1, 'the callback the agent promised becomes a task');
    const contact = server.all('contacts')[0]!;
    assert.deepEqual(server.associated('calls', server.all('calls')[0]!.id, 'contacts'), [contact.id]);

    const again = { ...genericCall(2, 'hs'), from: '+12125550147' };
    assert.equal((await postCall(url, again)).status, 200);
    await waitFor('the second call', () => server.all('calls').length === 2);
    assert.equal(server.all('contacts').length, 1, 'no duplicate contact while search lags');

    // Replaying the same webhook changes nothing.
    await postCall(url, first);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(server.all('calls').length, 2);
  });

  it('serves the card only to signed, fresh requests from the configured portal', async () => {
    const contactId = server.all('contacts')[0]!.id;
    const path = `/hubspot/card/calls?objectType=contacts&objectId=${contactId}&portalId=${PORTAL}`;
    const signed = (p: string, timestamp = String(Date.now())) => ({
      'x-hubspot-signature-v3': signatureV3(CLIENT_SECRET, 'GET', `https://relay.example.com${p}`, '', timestamp),
      'x-hubspot-request-timestamp': timestamp,
    });
    const ok = await fetch(url + path, { headers: signed(path) });
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { calls: { callId: string; summary: string | null }[] };
    assert.equal(body.calls.length, 2, 'both calls on the contact');
    assert.equal((await fetch(url + path)).status, 401, 'unsigned');
    assert.equal((await fetch(url + path, { headers: signed(path, String(Date.now() - 6 * 60_000)) })).status, 401, 'stale');
    const otherPortal = path.replace(PORTAL, '999');
    assert.equal((await fetch(url + otherPortal, { headers: signed(otherPortal) })).status, 403, 'another portal');
  });

  it('clears the summary and transcript link HubSpot holds when the call is deleted in the relay', async () => {
    const call = server.all('calls')[0]!;
    const callId = call.properties.ai_call_id!;
    assert.ok(call.properties.ai_call_summary, 'the summary was synced');
    const res = await fetch(`${url}/api/calls/${encodeURIComponent(callId)}`, { method: 'DELETE', headers: api });
    assert.equal(res.status, 200);
    await waitFor('the redaction in HubSpot', () => !server.all('calls').find((c) => c.id === call.id)!.properties.ai_call_summary);
    const after = server.all('calls').find((c) => c.id === call.id)!;
    assert.doesNotMatch(after.properties.hs_call_body ?? '', /Asked:/, 'the summary left the call body');
    assert.equal(after.properties.hs_call_duration, call.properties.hs_call_duration, 'time, duration and outcome stay');
    assert.equal(server.all('calls').length, 2, 'no call created by the redaction');
  });
});
