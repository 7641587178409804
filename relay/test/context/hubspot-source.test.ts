// HubSpot as a caller-context source, through the real @hubspot/api-client against the local
// HubSpot: the contact found through the relay's own mapping (never search), read in one batch,
// open deal and ticket only when the policy wants them; a failing HubSpot gives the relay's own
// context and says so.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RelayFile } from '../../src/config.ts';
import { CallerKeys } from '../../src/context/caller-key.ts';
import { HubSpotContextSource } from '../../src/context/hubspot-source.ts';
import { CallerContextLookup } from '../../src/context/lookup.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { HubSpotApi } from '../../src/sync/hubspot/api.ts';
import { SqlHubSpotMappings } from '../../src/sync/hubspot/sql-mappings.ts';
import { HubSpotServer } from '../support/hubspot-server.ts';
import { testStore, type TestStore } from '../support/db.ts';

describe('HubSpot caller context', () => {
  let server: HubSpotServer;
  let db: Db;
  let store: TestStore;
  let source: HubSpotContextSource;
  const lookupKey = randomBytes(32);

  before(async () => {
    server = await new HubSpotServer().start();
    store = testStore();
    db = await openDb(store.location, { schema: store.schema });
    const mappings = new SqlHubSpotMappings(db, lookupKey);
    source = new HubSpotContextSource({ api: new HubSpotApi({ accessToken: server.accessToken, basePath: server.url }), accessToken: server.accessToken, basePath: server.url, mappings });
    const contact = server.seed('contacts', { firstname: 'Priya', lastname: 'Raman', phone: '(415) 555-0150' });
    const closedDeal = server.seed('deals', { dealname: 'Old deal', dealstage: 'closedwon', hs_is_closed: 'true' });
    const openDeal = server.seed('deals', { dealname: 'Raman whitening', dealstage: 'presentationscheduled', hs_is_closed: 'false' });
    const ticket = server.seed('tickets', { subject: 'Invoice question', hs_pipeline_stage: '2' });
    // The portal's own records, linked as a HubSpot user links them (HubSpot-defined types).
    for (const deal of [closedDeal, openDeal]) server.link('deals', deal.id, 'contacts', contact.id);
    server.link('tickets', ticket.id, 'contacts', contact.id);
    // Written by the HubSpot sink when it synced this caller's earlier call.
    await mappings.put('contact-by-phone', '+14155550150', contact.id);
  });
  after(async () => {
    await server?.stop();
    await db?.close();
    await store?.drop();
  });

  it('finds the contact through the mapping and reads it in one batched request', async () => {
    const before = server.requests.length;
    const facts = await source.lookup('+14155550150', { owner: false, openCase: false, openDeal: false });
    assert.equal(facts?.name, 'Priya Raman');
    assert.equal(facts?.openDeal, null);
    const made = server.requests.slice(before);
    assert.deepEqual(made.map((r) => `${r.method} ${r.path}`), ['POST /crm/v3/objects/contacts/batch/read']);
  });

  it('reads the open deal and ticket when the policy wants them', async () => {
    const facts = await source.lookup('+14155550150', { owner: true, openCase: true, openDeal: true });
    assert.deepEqual(facts?.openDeal, { name: 'Raman whitening', stage: 'presentationscheduled' });
    assert.equal(facts?.openCase?.subject, 'Invoice question');
    assert.equal(facts?.owner, null, 'HubSpot owners need a scope the app does not ask for');
  });

  it('knows nobody the relay never mapped, without asking HubSpot', async () => {
    const before = server.requests.length;
    assert.equal(await source.lookup('+14155550151', { owner: false, openCase: false, openDeal: false }), null);
    assert.equal(server.requests.length, before);
  });

  it('answers through the lookup, and a failing HubSpot is reported, not raised', async () => {
    const file = RelayFile.parse({ callerContext: { budgetMs: 2000, cacheSeconds: 0, policy: { openDeal: true } } });
    const lookup = new CallerContextLookup({ db, file, keys: new CallerKeys(lookupKey), sources: [source] });
    const { context } = await lookup.lookup('(415) 555-0150', 'front-desk');
    assert.equal(context.known, true);
    assert.equal(context.name, 'Priya Raman');
    assert.equal(context.nameSource, 'hubspot');
    assert.equal(context.openDeal?.stage, 'presentationscheduled');
    assert.equal(context.sources.hubspot, 'answered');
    assert.equal(context.sources.relay, 'no_record');
    assert.ok(!('openCase' in context), 'open case is off by default');

    server.fail({ status: 500 }, 5);
    const failed = (await lookup.lookup('+14155550150', 'front-desk')).context;
    assert.equal(failed.sources.hubspot, 'error');
    assert.equal(failed.known, false);
  });
});
