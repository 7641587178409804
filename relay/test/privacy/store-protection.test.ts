import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { callDetail, listCalls, CallFilter } from '../../src/calls/queries.ts';
import { CallStore } from '../../src/calls/store.ts';
import type { IngestEvent } from '../../src/ingest/event.ts';
import { createLogger } from '../../src/log.ts';
import { createMetrics } from '../../src/metrics.ts';
import { atRest, protectAtRest } from '../../src/privacy/at-rest.ts';
import { deleteCall } from '../../src/privacy/deletion.ts';
import { KeyRing } from '../../src/privacy/encryption.ts';
import { generateKey, loadKeys } from '../../src/privacy/keys.ts';
import { reencryptAll } from '../../src/privacy/rekey.ts';
import { purgeAllExpired } from '../../src/privacy/retention.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { Outbox } from '../../src/sync/outbox.ts';
import { CallSnapshot } from '../../src/sync/snapshot.ts';
import { testStore } from '../support/db.ts';
import { SECRET_WORDS, seedCall } from './seed.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

function filesContaining(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle);
  return filesUnder(dir).filter((file) => readFileSync(file).includes(bytes));
}

async function withStore<T>(fn: (db: Db, store: CallStore, ring: KeyRing) => Promise<T>, location?: string): Promise<T> {
  const test = testStore(location);
  const db = await openDb(test.location, { schema: test.schema });
  const ring = new KeyRing({ keys: [generateKey()], file: undefined });
  protectAtRest(db, ring);
  try {
    return await fn(db, new CallStore(db, 0), ring);
  } finally {
    await db.close();
    await test.drop();
  }
}

const SINKS = ['dry-run', 'hubspot'] as const;

/** A webhook as acknowledged: its number and words must be sealed before it is merged, too. */
const waitingEvent = (callId: string): IngestEvent => ({
  callId,
  provider: 'generic',
  event: 'status:completed',
  sequence: '1',
  call: { from: '+15615550192', status: 'completed', transcriptDone: true },
  transcript: [{ speaker: 'caller', text: SECRET_WORDS, startMs: 0 }],
});

describe('personal data at rest', () => {
  it('keeps no transcript text, summary, name or phone number in plain form in the PGlite data folder', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-at-rest-'));
    const pglite = path.join(dataDir, 'pglite');
    // PGlite only: this reads the database files themselves.
    const db = await openDb(pglite);
    protectAtRest(db, new KeyRing({ keys: [generateKey()], file: undefined }));
    const store = new CallStore(db, 0);
    await seedCall(db, store, { callId: 'CAatrest1', sinks: [...SINKS] });
    // An acknowledged webhook still waiting to be merged is sealed too.
    await store.receive([waitingEvent('CAatrest2')]);
    // A control value in a column that is not personal, so the search below is shown to work.
    await db.query(`insert into call_history (call_id, stage, detail) values ('CAatrest1', 'analysed', 'control-marker-7f3a')`);

    // Everything still reads back in the clear through the relay.
    assert.deepEqual((await store.transcript('CAatrest1')).turns.map((t) => t.text), ['Thanks for calling, how can I help?', SECRET_WORDS]);
    const detail = await callDetail(db, 'CAatrest1');
    assert.equal(detail?.from, '+15615550192');
    assert.equal((detail?.insights as { callerName: string }).callerName, 'Rosalind Quayle');
    assert.equal((detail?.transcript as { text: string }[])[1]?.text, SECRET_WORDS);
    const listed = await listCalls(db, CallFilter.parse({ intent: 'billing_question' }));
    assert.equal(listed.calls[0]?.callerName, 'Rosalind Quayle', 'filters still work on the readable intent');
    const outbox = new Outbox(db, { maxAttempts: 3, batchSize: 10, flushMs: 0, baseBackoffMs: 1, maxBackoffMs: 10, leaseSeconds: 60 }, createMetrics(), createLogger('silent'));
    const [claimed] = await outbox.claim('dry-run', 10);
    assert.equal(claimed?.snapshot.transcript?.[1]?.text, SECRET_WORDS, 'the outbox hands sinks the clear snapshot');
    await db.close();

    assert.deepEqual(filesContaining(pglite, 'control-marker-7f3a').length > 0, true, 'the search finds plain values');
    for (const secret of ['Rosalind', 'Pemberton', 'Quayle', '5615550192', 'recordings.example.com', 'Vendor summary', 'rosalind@example.com']) {
      assert.deepEqual(filesContaining(pglite, secret), [], `"${secret}" is nowhere in the data folder`);
    }
  });

  it('re-encrypts every stored value to a new key without losing any, so the old key can be dropped', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-rekey-'));
    const log = createLogger('silent');
    await withStore(async (db, store) => {
      const ring = new KeyRing(loadKeys({ envValue: undefined, envName: 'ENCRYPTION_KEY', dataDir, fileName: 'encryption-keys', log }));
      protectAtRest(db, ring);
      const oldId = ring.activeId;
      for (let i = 0; i < 5; i++) await seedCall(db, store, { callId: `CArekey${i}`, sinks: [...SINKS] });
      await store.receive([waitingEvent('CArekey-waiting')]);
      const stale = async () =>
        (await db.query<{ n: number }>(
          `select ((select count(*) from call_events where payload::text like $1) + (select count(*) from calls where from_number like $1 or analysis::text like $1)
                  + (select count(*) from deliveries where snapshot::text like $1))::int as n`,
          [`%enc:v1:${oldId}:%`],
        ))[0]!.n;
      assert.ok((await stale()) > 0);
      ring.rotate(new Date(Date.now() + 1000));
      // Written during the rotation: already under the new key.
      await seedCall(db, store, { callId: 'CArekey-new', sinks: ['dry-run'] });
      const result = await reencryptAll(db, ring, 2);
      assert.equal(result.activeKeyId, ring.activeId);
      assert.ok((result.rows.call_events ?? 0) >= 10 && result.rows.calls === 5 && result.rows.deliveries === 10 && result.rows.intake === 1, JSON.stringify(result.rows));
      assert.equal(await stale(), 0, 'nothing left under the old key');
      // Only the new key: everything still opens.
      protectAtRest(db, new KeyRing({ keys: [{ id: ring.activeId, secret: readKey(dataDir, ring.activeId) }], file: undefined }));
      for (let i = 0; i < 5; i++) {
        assert.equal((await store.transcript(`CArekey${i}`)).turns[1]?.text, SECRET_WORDS);
        assert.equal((await callDetail(db, `CArekey${i}`))?.to, '+18005550199');
      }
      assert.equal((await store.importIntake()).merged.length, 1);
      assert.equal((await store.transcript('CArekey-waiting')).turns[0]?.text, SECRET_WORDS);
      assert.deepEqual(await reencryptAll(db, ring), { activeKeyId: ring.activeId, rows: { intake: 0, call_events: 0, calls: 0, deliveries: 0, dry_run_requests: 0, quarantine: 0 } });
    });
  });
});

function readKey(dataDir: string, id: string): Buffer {
  const entry = readFileSync(path.join(dataDir, 'encryption-keys'), 'utf8').trim().split(',').find((e) => e.startsWith(`${id}:`))!;
  return Buffer.from(entry.slice(id.length + 1), 'base64');
}

describe('deleting a call', () => {
  it('removes personal data, cancels what was queued, keeps the delivery log, and queues redactions when configured', async () => {
    await withStore(async (db, store) => {
      await seedCall(db, store, { callId: 'CAdel1', sinks: [...SINKS], delivered: true });
      await seedCall(db, store, { callId: 'CAdel2', sinks: [...SINKS] });
      await db.query(`update deliveries set status = 'dead' where call_id = 'CAdel2' and sink = 'hubspot'`);
      const [dead] = await db.query<{ id: string }>(`select id from deliveries where call_id = 'CAdel2' and sink = 'hubspot'`);
      await db.query(`insert into dead_letters (delivery_id, call_id, sink, attempts, error) values ($1, 'CAdel2', 'hubspot', 8, 'HTTP 500')`, [dead!.id]);
      await seedCall(db, store, { callId: 'CAkeep', sinks: [...SINKS] });

      assert.deepEqual(await deleteCall(db, 'CAdel1', { redactCrms: true, who: 'test' }), { status: 'deleted', redactionsQueued: ['dry-run', 'hubspot'] });
      assert.deepEqual(await deleteCall(db, 'CAdel2', { redactCrms: true, who: 'test' }), { status: 'deleted', redactionsQueued: [] }, 'nothing was delivered: no CRM to tell');
      assert.deepEqual(await deleteCall(db, 'CAdel1', { redactCrms: true, who: 'test' }), { status: 'already_deleted' });
      assert.deepEqual(await deleteCall(db, 'CAnone', { redactCrms: true, who: 'test' }), { status: 'not_found' });

      const calls = await db.query<Record<string, unknown>>(`select * from calls where id like 'CAdel%' order by id`);
      for (const c of calls) {
        assert.equal(c.stage, 'deleted');
        assert.ok(c.deleted_at instanceof Date);
        assert.deepEqual([c.from_number, c.to_number, c.recording_url, c.analysis], [null, null, null, null]);
      }
      assert.equal((await db.query(`select 1 from call_events where call_id like 'CAdel%'`)).length, 0);
      assert.equal((await db.query(`select 1 from dead_letters`)).length, 0, 'a deleted call cannot be replayed');
      const deliveries = await db.query<{ call_id: string; sink: string; event_type: string; status: string; snapshot: unknown }>(
        `select call_id, sink, event_type, status, snapshot from deliveries where call_id like 'CAdel%' order by call_id, event_type, sink`,
      );
      assert.deepEqual(
        deliveries.map((d) => `${d.call_id} ${d.sink} ${d.event_type} ${d.status}`),
        ['CAdel1 dry-run call_completed delivered', 'CAdel1 hubspot call_completed delivered', 'CAdel1 dry-run redact pending', 'CAdel1 hubspot redact pending', 'CAdel2 dry-run call_completed cancelled', 'CAdel2 hubspot call_completed cancelled'],
      );
      const redaction = CallSnapshot.parse(atRest(db).openJson(deliveries[2]!.snapshot));
      assert.equal(redaction.eventType, 'redact');
      assert.deepEqual([redaction.from, redaction.transcript, redaction.insights, redaction.transcriptUrl], [null, null, null, null]);
      assert.ok(deliveries.filter((d) => d.event_type === 'call_completed').every((d) => JSON.stringify(d.snapshot) === '{}'));
      const history = await db.query<{ stage: string; detail: string }>(`select stage, detail from call_history where call_id = 'CAdel1' order by id desc limit 1`);
      assert.deepEqual(history[0], { stage: 'deleted', detail: 'deleted by test; redaction queued for dry-run, hubspot' });
      assert.equal((await listCalls(db, CallFilter.parse({}))).total, 1, 'deleted calls leave the list');
      assert.equal((await store.transcript('CAkeep')).turns.length, 2, 'other calls untouched');
    });
  });

  it('queues no redaction when redaction events are off', async () => {
    await withStore(async (db, store) => {
      await seedCall(db, store, { callId: 'CAdel3', sinks: ['hubspot'], delivered: true });
      assert.deepEqual(await deleteCall(db, 'CAdel3', { redactCrms: false, who: 'test' }), { status: 'deleted', redactionsQueued: [] });
      assert.equal((await db.query(`select 1 from deliveries where event_type = 'redact'`)).length, 0);
    });
  });
});

describe('retention purge', () => {
  it('purges exactly the transcripts and recordings of calls past transcriptDays, keeping their metadata', async () => {
    await withStore(async (db, store) => {
      await seedCall(db, store, { callId: 'CAold', endedDaysAgo: 91, sinks: [...SINKS], delivered: true });
      await seedCall(db, store, { callId: 'CAedge', endedDaysAgo: 89, sinks: ['dry-run'] });
      await seedCall(db, store, { callId: 'CAnew', endedDaysAgo: 1, sinks: ['dry-run'] });
      await seedCall(db, store, { callId: 'CAgone', endedDaysAgo: 200, sinks: ['dry-run'] });
      await deleteCall(db, 'CAgone', { redactCrms: false, who: 'test' });
      await db.query(`insert into dry_run_requests (sink, call_id, request) values ('dry-run', 'CAold', '{"x":1}'), ('dry-run', 'CAnew', '{"x":2}')`);

      assert.equal(await purgeAllExpired(db, 90), 1);
      assert.equal(await purgeAllExpired(db, 90), 0, 'a purged call is not purged again');

      const old = await db.query<Record<string, unknown>>(`select * from calls where id = 'CAold'`);
      assert.ok(old[0]!.purged_at instanceof Date);
      assert.equal(old[0]!.recording_url, null);
      const detail = await callDetail(db, 'CAold');
      assert.equal(detail?.transcript, null, 'stored transcript gone');
      assert.equal((detail?.insights as { intent: string }).intent, 'billing_question', 'insights kept');
      assert.equal(detail?.from, '+15615550192', 'metadata kept');
      assert.equal(detail?.durationSeconds, 60);
      assert.deepEqual((await store.transcript('CAold')).turns, [], 'webhook transcript gone');
      const events = await db.query<{ event: string; payload: Record<string, unknown> }>(`select event, payload from call_events where call_id = 'CAold'`);
      assert.deepEqual(events.map((e) => e.event), ['status:completed']);
      assert.ok(!('transcript' in events[0]!.payload) && !('vendor' in events[0]!.payload) && !('recordingUrl' in (events[0]!.payload.call as object)));
      for (const d of await db.query<{ snapshot: unknown }>(`select snapshot from deliveries where call_id = 'CAold'`)) {
        const snapshot = CallSnapshot.parse(atRest(db).openJson(d.snapshot));
        assert.deepEqual([snapshot.transcript, snapshot.transcriptUrl, snapshot.recordingUrl], [null, null, null]);
        assert.equal(snapshot.insights?.intent, 'billing_question');
      }
      assert.deepEqual((await db.query<{ call_id: string }>('select call_id from dry_run_requests')).map((r) => r.call_id), ['CAnew']);

      for (const id of ['CAedge', 'CAnew']) {
        const kept = await db.query<{ purged_at: Date | null; recording_url: string | null }>('select purged_at, recording_url from calls where id = $1', [id]);
        assert.equal(kept[0]!.purged_at, null, `${id} kept`);
        assert.ok(kept[0]!.recording_url);
        assert.equal((await store.transcript(id)).turns.length, 2);
        assert.ok(Array.isArray((await callDetail(db, id))?.transcript));
      }
      const gone = await db.query<{ purged_at: Date | null }>(`select purged_at from calls where id = 'CAgone'`);
      assert.equal(gone[0]!.purged_at, null, 'a deleted call has nothing left to purge');
    });
  });
});
