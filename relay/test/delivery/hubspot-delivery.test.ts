// Calls into HubSpot through the whole relay, with the card endpoint reading them back: the real
// @hubspot/api-client against a local portal that follows HubSpot's documented contracts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { signatureV3 } from '../../src/web/hubspot-signature.ts';
import { scopesUsed } from '../../src/sync/hubspot/operations.ts';
import { HubSpotServer, PRIMARY_COMPANY } from '../support/hubspot-server.ts';
import { genericCall, postCall, postCalls, relayEnv, startRelay, waitFor, type RelayEnv } from '../support/relay-harness.ts';
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

describe(`HubSpot as strict as HubSpot, through the relay (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: HubSpotServer;
  let setup: RelayEnv;
  let relay: Relay;
  let url: string;
  before(async () => {
    server = await new HubSpotServer({ searchLagMs: 200 }).start();
    setup = relayEnv(
      {
        finalisation: { graceSeconds: 0 },
        delivery: { flushMs: 50, baseBackoffMs: 20, maxBackoffMs: 300, maxAttempts: 20 },
        // A create whose answer was lost is looked for once the (200 ms) search lag has passed.
        hubspot: { associateOpenTicket: true, unknownOutcomeWaitSeconds: 1 },
      },
      { HUBSPOT_ACCESS_TOKEN: server.accessToken, HUBSPOT_BASE_URL: server.url },
    );
    await promisify(execFile)(process.execPath, [cli, 'hubspot', 'setup'], { env: { ...process.env, ...setup.env } });
    ({ relay, url } = await startRelay(setup));
  });
  after(async () => {
    await relay.stop();
    await server.stop();
    await setup.cleanup();
  });

  const delivered = async (callId: string) => {
    const detail = (await (await fetch(`${url}/api/calls/${encodeURIComponent(callId)}`)).json()) as { deliveries?: { status: string }[] };
    return detail.deliveries?.[0]?.status === 'delivered';
  };
  const callsFor = (callId: string) => server.all('calls').filter((c) => c.properties.ai_call_id === callId);

  it("links the call and its task to the contact's primary company, open deal and open ticket, owned by the contact's owner", async () => {
    const contact = server.seed('contacts', { phone: '(646) 555-0142', firstname: 'Mara', hubspot_owner_id: '31' });
    const company = server.seed('companies', { name: 'Harbor Dental' });
    const other = server.seed('companies', { name: 'Old employer' });
    const won = server.seed('deals', { dealname: 'Last year', hs_is_closed: 'true', createdate: '2026-03-01T00:00:00Z' });
    const open = server.seed('deals', { dealname: 'Implants', hs_is_closed: 'false', createdate: '2026-02-01T00:00:00Z' });
    const ticket = server.seed('tickets', { subject: 'Billing question', createdate: '2026-02-10T00:00:00Z' });
    server.link('contacts', contact.id, 'companies', company.id, PRIMARY_COMPANY);
    server.link('contacts', contact.id, 'companies', other.id);
    for (const deal of [won, open]) server.link('contacts', contact.id, 'deals', deal.id);
    server.link('contacts', contact.id, 'tickets', ticket.id);

    const call = { ...genericCall(1, 'linked'), from: '+16465550142' };
    assert.equal((await postCall(url, call)).status, 200);
    await waitFor('the call delivered', () => delivered(call.callId));
    const [engagement] = callsFor(call.callId);
    assert.ok(engagement);
    assert.deepEqual(server.associated('calls', engagement.id, 'contacts'), [contact.id]);
    assert.deepEqual(server.associated('calls', engagement.id, 'companies'), [company.id], 'the primary company only');
    assert.deepEqual(server.associated('calls', engagement.id, 'deals'), [open.id], 'the open deal, not the closed one');
    assert.deepEqual(server.associated('calls', engagement.id, 'tickets'), [ticket.id]);
    assert.equal(engagement.properties.hubspot_owner_id, '31');
    const task = server.all('tasks').find((t) => t.properties.ai_call_id === call.callId);
    assert.ok(task, 'the promised callback is a task');
    assert.deepEqual(server.associated('tasks', task.id, 'deals'), [open.id]);
    assert.deepEqual(server.associated('tasks', task.id, 'companies'), [company.id]);
    assert.equal(server.all('contacts').find((c) => c.id === contact.id)?.properties.firstname, 'Mara', 'a name a person entered stays');
  });

  it("leaves a qualified contact's lead status alone when a later call would move it back", async () => {
    server.seed('contacts', { phone: '+16465550177', hs_lead_status: 'OPEN_DEAL' });
    const call = { ...genericCall(1, 'later'), from: '+16465550177' };
    await postCall(url, call);
    await waitFor('the call delivered', () => delivered(call.callId));
    const contact = server.all('contacts').find((c) => c.properties.phone === '+16465550177');
    assert.equal(contact?.properties.hs_lead_status, 'OPEN_DEAL');
  });

  it('loses nothing and duplicates nothing when a third of batch items fail with 207', async () => {
    server.failItems(1 / 3);
    try {
      // Every scenario but the spam robocall (index 4), which creates no contact by design.
      const calls = Array.from({ length: 15 }, (_, i) => ({ ...genericCall(i, 'multi'), from: `+1332555${String(1000 + i)}` })).filter((_, i) => i % 6 !== 4);
      await postCalls(url, calls);
      await waitFor('every call delivered', async () => (await Promise.all(calls.map((c) => delivered(c.callId)))).every(Boolean), 120_000);
      assert.ok(server.requests.some((r) => r.status === 207), 'HubSpot did answer 207');
      for (const call of calls) {
        const found = callsFor(call.callId);
        assert.equal(found.length, 1, `${call.callId}: one call`);
        // The caller's contact, found by number or (a caller giving a known email) by email.
        assert.equal(server.associated('calls', found[0]!.id, 'contacts').length, 1, `${call.callId}: linked to its contact`);
        assert.ok(server.all('tasks').filter((t) => t.properties.ai_call_id === call.callId).length <= 1, `${call.callId}: at most one task`);
      }
      const keys = server.all('contacts').flatMap((c) => (c.properties.ai_call_phone_key ? [c.properties.ai_call_phone_key] : []));
      assert.equal(new Set(keys).size, keys.length, 'no caller has two contacts');
    } finally {
      server.failItems(0);
    }
  });

  it('does not duplicate a call whose create HubSpot made but whose answer never arrived', async () => {
    server.fail({ status: 0, dropAnswer: true, pathIncludes: '/objects/calls/batch/create' });
    const call = { ...genericCall(2, 'lost'), from: '+16465550190' };
    await postCall(url, call);
    await waitFor('the call delivered', () => delivered(call.callId), 60_000);
    assert.equal(callsFor(call.callId).length, 1, 'found by ai_call_id, not created twice');
    assert.ok(server.requests.some((r) => r.path === '/crm/v3/objects/calls/search'), 'the relay looked before creating again');
  });

  it('`hubspot setup` with a token lacking one scope names it and writes nothing', async () => {
    const strict = await new HubSpotServer({ scopes: scopesUsed().required.filter((s) => s !== 'crm.schemas.tasks.write') }).start();
    try {
      const env = { ...process.env, ...setup.env, HUBSPOT_BASE_URL: strict.url };
      const failed = await promisify(execFile)(process.execPath, [cli, 'hubspot', 'setup'], { env }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      assert.ok(failed, 'setup fails');
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /lacks a scope the relay needs: crm\.schemas\.tasks\.write/);
      assert.equal(strict.requests.filter((r) => !r.path.startsWith('/oauth/')).length, 0, 'nothing written or read before the check');
    } finally {
      await strict.stop();
    }
  });
});
