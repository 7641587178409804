// The HubSpot call steps and caller mappings in the relay's SQL store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDb, type Db } from '../../src/store/db.ts';
import { SqlHubSpotMappings } from '../../src/sync/hubspot/sql-mappings.ts';
import { testEngine, testStore } from '../support/db.ts';

describe(`HubSpot call steps in the store (${testEngine})`, () => {
  const store = testStore();
  let db: Db;
  let mappings: SqlHubSpotMappings;
  before(async () => {
    db = await openDb(store.location, { schema: store.schema });
    mappings = new SqlHubSpotMappings(db, Buffer.alloc(32, 7));
  });
  after(async () => {
    await db.close();
    await store.drop();
  });

  it('records a step as started, then done with its id, and never un-does a done step', async () => {
    await mappings.begin('call', ['CA-a', 'CA-b']);
    let steps = await mappings.steps(['CA-a', 'CA-b', 'CA-none']);
    assert.equal(steps.get('CA-a')?.call?.done, false);
    assert.equal(steps.has('CA-none'), false);
    await mappings.complete('call', [{ callId: 'CA-a', hubspotId: '901' }]);
    await mappings.begin('call', ['CA-a']);
    await mappings.abandon('call', ['CA-a', 'CA-b']);
    steps = await mappings.steps(['CA-a', 'CA-b']);
    assert.deepEqual({ done: steps.get('CA-a')?.call?.done, id: steps.get('CA-a')?.call?.hubspotId }, { done: true, id: '901' });
    assert.equal(steps.has('CA-b'), false, 'a refused request leaves no step behind');
    await mappings.complete('contact', [{ callId: 'CA-a', hubspotId: null }]);
    assert.equal((await mappings.steps(['CA-a'])).get('CA-a')?.contact?.hubspotId, null, 'a call without a contact');
  });

  it('keeps caller lookups under a keyed hash, readable with the same key', async () => {
    await mappings.put('contact-by-phone', '+15615550192', '77');
    assert.equal(await mappings.get('contact-by-phone', '+15615550192'), '77');
    assert.equal(await new SqlHubSpotMappings(db, Buffer.alloc(32, 8)).get('contact-by-phone', '+15615550192'), null, 'another key reads nothing');
    const rows = await db.query<{ key_hash: string }>('select key_hash from hubspot_mappings');
    assert.ok(rows.every((r) => !r.key_hash.includes('5550192')));
  });
});
