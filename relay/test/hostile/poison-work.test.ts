// One poison call or delivery never blocks the others: a call whose row cannot be read, or whose
// finalisation keeps failing, is quarantined; a delivery whose snapshot cannot be read is
// dead-lettered at once and quarantined; a delivery the sink fails on alone never takes the rest
// of its batch with it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Analyser } from '../../src/analysis/analyser.ts';
import { createOfflineAnalyser } from '../../src/analysis/analyser.ts';
import { ATTEMPTS_BEFORE_QUARANTINE, Finaliser } from '../../src/calls/finaliser.ts';
import { CallStore } from '../../src/calls/store.ts';
import { loadConfig } from '../../src/config.ts';
import { parseGeneric } from '../../src/ingest/generic.ts';
import { createLogger } from '../../src/log.ts';
import { createMetrics } from '../../src/metrics.ts';
import type { Relay } from '../../src/pipeline.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { Outbox } from '../../src/sync/outbox.ts';
import type { Sink } from '../../src/sync/sink.ts';
import { testStore } from '../support/db.ts';
import { genericCall, postCall, relayEnv, startRelay, waitFor, type RelayEnv } from '../support/relay-harness.ts';
import { snapshot } from '../sync/fixtures.ts';

// Sealed under a key no relay has: opening it fails, as after a key was dropped too early.
const LOST_KEY = 'enc:v1:gone:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:AAAA';

describe('poison calls and deliveries in a running relay', () => {
  let setup: RelayEnv;
  let relay: Relay;
  let url: string;

  before(async () => {
    setup = relayEnv({ finalisation: { graceSeconds: 0 }, delivery: { flushMs: 0 } });
    ({ relay, url } = await startRelay(setup));
  });
  after(async () => {
    await relay.stop();
    await setup.cleanup();
  });

  it('quarantines a call whose row cannot be read and finalises and delivers the others', async () => {
    const poison = parseGeneric(genericCall(5, 'unreadable'));
    await relay.store.record([{ ...poison, call: { ...poison.call, from: LOST_KEY } }]);
    await relay.db.query(`insert into deliveries (call_id, sink, snapshot) values ('CAbroken', 'dry-run', $1::jsonb)`, [JSON.stringify(LOST_KEY)]);
    const ordinary = genericCall(6, 'ordinary');
    assert.equal((await postCall(url, ordinary)).status, 200);
    const stage = async (id: string) => (await relay.db.query<{ stage: string }>('select stage from calls where id = $1', [id]))[0]?.stage;
    await waitFor('the ordinary call delivered', async () => (await relay.db.query(`select 1 from deliveries where call_id = $1 and status = 'delivered'`, [ordinary.callId])).length === 1);
    await waitFor('the poison call quarantined', async () => (await stage(poison.callId)) === 'quarantined');
    await waitFor('the unreadable delivery dead-lettered', async () => (await relay.db.query(`select 1 from dead_letters where call_id = 'CAbroken'`)).length === 1);
    const kinds = (await relay.db.query<{ kind: string; call_id: string }>('select kind, call_id from quarantine order by id')).map((q) => `${q.kind}:${q.call_id}`);
    assert.deepEqual(kinds.sort(), [`call:${poison.callId}`, 'delivery:CAbroken'].sort());
  });
});

describe('poison work in the store', () => {
  const test = testStore();
  let db: Db;
  const log = createLogger('silent');
  before(async () => {
    db = await openDb(test.location, { schema: test.schema });
  });
  after(async () => {
    await db.close();
    await test.drop();
  });

  it('quarantines a call whose analysis keeps failing, after the offline analyser failed on it too', async () => {
    const setup = relayEnv({});
    const config = loadConfig(setup.env);
    await setup.cleanup();
    const store = new CallStore(db, 0);
    const metrics = createMetrics();
    const poison = parseGeneric(genericCall(7, 'throws'));
    const ordinary = parseGeneric(genericCall(8, 'fine'));
    await store.record([poison, ordinary]);
    const offline = createOfflineAnalyser(config);
    const throwing: Analyser = { analyse: async (input) => (input.callId === poison.callId ? Promise.reject(new TypeError('analysis broke on this call')) : offline.analyse(input)) };
    const finaliser = new Finaliser({ db, store, analyser: throwing, fallbackAnalyser: throwing, config, sinks: ['dry-run'], transcriptUrl: () => null, metrics, log, onEnqueued: () => {} });
    for (let attempt = 1; attempt <= ATTEMPTS_BEFORE_QUARANTINE; attempt++) {
      await finaliser.runOnce();
      // The retry's backoff is the relay's to wait; here the call is made due again at once.
      await db.query(`update calls set finalise_after = now() where id = $1 and stage = 'completed'`, [poison.callId]);
    }
    const stages = Object.fromEntries((await db.query<{ id: string; stage: string }>('select id, stage from calls')).map((r) => [r.id, r.stage]));
    assert.deepEqual(stages, { [poison.callId]: 'quarantined', [ordinary.callId]: 'analysed' });
    const [entry] = await db.query<{ kind: string; error: string }>('select kind, error from quarantine where call_id = $1', [poison.callId]);
    assert.equal(entry?.kind, 'call');
    assert.match(entry?.error ?? '', /analysis broke on this call/);
  });

  it('delivers the rest of a batch the sink threw on, trying each delivery alone', async () => {
    const metrics = createMetrics();
    const outbox = new Outbox(db, { maxAttempts: 3, batchSize: 10, flushMs: 0, baseBackoffMs: 1, maxBackoffMs: 10, leaseSeconds: 60 }, metrics, log);
    const ids = ['CAa', 'CApoison', 'CAb'];
    await db.tx(async (sql) => {
      for (const callId of ids) await Outbox.enqueue(sql, { ...snapshot(), callId }, ['dry-run'], new Date());
    });
    const sent: string[] = [];
    const sink: Sink = {
      name: 'dry-run',
      deliver: async (items) => {
        if (items.some((i) => i.snapshot.callId === 'CApoison')) throw new RangeError('the sink cannot handle this call');
        sent.push(...items.map((i) => i.snapshot.callId));
        return items.map(() => ({ status: 'delivered' as const }));
      },
    };
    await outbox.runOnce(sink);
    const status = Object.fromEntries((await db.query<{ call_id: string; status: string; last_error: string | null }>(`select call_id, status, last_error from deliveries where call_id = any($1)`, [ids])).map((r) => [r.call_id, r.status]));
    assert.deepEqual(status, { CAa: 'delivered', CApoison: 'pending', CAb: 'delivered' });
    assert.deepEqual(sent.filter((id) => ids.includes(id)).sort(), ['CAa', 'CAb']);
  });
});
