// A deleted call stays deleted: the same signed webhook delivered again, or an event still
// waiting in intake when the call was deleted, is acknowledged and then dropped (counted); the
// call's phone number never comes back through the API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseGeneric } from '../../src/ingest/generic.ts';
import { CallStore } from '../../src/calls/store.ts';
import type { Relay } from '../../src/pipeline.ts';
import { deleteCall } from '../../src/privacy/deletion.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { testStore } from '../support/db.ts';
import { genericCall, postCall, relayEnv, startRelay, waitFor, type RelayEnv } from '../support/relay-harness.ts';

describe('a deleted call stays deleted', () => {
  let setup: RelayEnv;
  let relay: Relay;
  let url: string;

  before(async () => {
    setup = relayEnv({ finalisation: { graceSeconds: 0 } });
    ({ relay, url } = await startRelay(setup));
  });
  after(async () => {
    await relay.stop();
    await setup.cleanup();
  });

  const detail = async (callId: string) => (await (await fetch(`${url}/api/calls/${callId}`)).json()) as { from: string | null; to: string | null; stage: string };
  const dropped = async () => Number(/relay_events_dropped_deleted_total (\d+)/.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);

  it('drops a redelivery of the same signed webhook after DELETE /api/calls/:id', async () => {
    const call = genericCall(3, 'tomb');
    assert.equal((await postCall(url, call)).status, 200);
    await waitFor('the call analysed', async () => (await detail(call.callId)).stage === 'analysed');
    assert.equal((await fetch(`${url}/api/calls/${call.callId}`, { method: 'DELETE' })).status, 200);
    const before = await dropped();
    assert.equal((await postCall(url, call)).status, 200, 'the redelivery is acknowledged');
    await waitFor('the redelivery dropped', async () => (await dropped()) === before + 1);
    const after = await detail(call.callId);
    assert.deepEqual({ stage: after.stage, from: after.from, to: after.to }, { stage: 'deleted', from: null, to: null });
    const events = await relay.db.query('select 1 from call_events where call_id = $1', [call.callId]);
    assert.equal(events.length, 0, 'nothing of the redelivery is kept');
  });

});

describe('a deleted call stays deleted in the store', () => {
  const test = testStore();
  let db: Db;
  before(async () => {
    db = await openDb(test.location, { schema: test.schema });
  });
  after(async () => {
    await db.close();
    await test.drop();
  });

  it('drops an event that was waiting in intake when the call was deleted', async () => {
    const store = new CallStore(db, 0);
    const call = genericCall(4, 'tomb-waiting');
    await store.record([parseGeneric(call)]);
    // Acknowledged, waiting to be merged, when the operator deletes the call.
    await store.receive([{ ...parseGeneric({ ...call, recordingUrl: 'https://recordings.example.com/late.mp3' }), sequence: '1' }]);
    assert.equal((await deleteCall(db, call.callId, { redactCrms: false, who: 'a test' })).status, 'deleted');
    const imported = await store.importIntake();
    assert.deepEqual({ merged: imported.merged.length, dropped: imported.dropped }, { merged: 0, dropped: 1 });
    const row = await store.get(call.callId);
    assert.deepEqual({ stage: row?.stage, from: row?.from_number, recording: row?.recording_url }, { stage: 'deleted', from: null, recording: null });
    assert.equal((await db.query('select 1 from call_events where call_id = $1', [call.callId])).length, 0);
  });
});
