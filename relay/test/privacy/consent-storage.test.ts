import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOfflineAnalyser } from '../../src/analysis/analyser.ts';
import { Finaliser } from '../../src/calls/finaliser.ts';
import { CallStore } from '../../src/calls/store.ts';
import { Env, RelayFile } from '../../src/config.ts';
import type { IngestEvent } from '../../src/ingest/event.ts';
import { createLogger } from '../../src/log.ts';
import { createMetrics } from '../../src/metrics.ts';
import { atRest, protectAtRest } from '../../src/privacy/at-rest.ts';
import { KeyRing } from '../../src/privacy/encryption.ts';
import { generateKey } from '../../src/privacy/keys.ts';
import { openDb } from '../../src/store/db.ts';
import { CallSnapshot } from '../../src/sync/snapshot.ts';
import { testStore } from '../support/db.ts';

const WORDS = 'Hi, this is Ingrid Halvorsen, I need to move my appointment to Friday.';

function events(callId: string, agentId: string, consent: boolean | null): IngestEvent[] {
  return [
    {
      callId,
      provider: 'generic',
      event: 'status:completed',
      sequence: '1',
      call: {
        agentId,
        from: '+15615550123',
        to: '+18005550123',
        status: 'completed',
        startedAt: '2026-11-20T15:00:00Z',
        endedAt: '2026-11-20T15:02:00Z',
        durationSeconds: 120,
        recordingUrl: `https://recordings.example.com/${callId}.mp3`,
        consent,
        transcriptDone: true,
        recordingDone: true,
      },
      transcript: [
        { speaker: 'agent', text: 'Thanks for calling, how can I help?', startMs: 0 },
        { speaker: 'caller', text: WORDS, startMs: 1800 },
      ],
      vendor: { summary: 'Ingrid Halvorsen wants to reschedule.', data: {} },
    },
    { callId, provider: 'generic', event: 'transcript:content', sequence: '2', call: {}, turn: { speaker: 'caller', text: WORDS, startMs: 1800, order: 1 } },
  ];
}

describe('consent per agent', () => {
  it('keeps and syncs only metadata for an agent that requires consent when none was given, and says so', async () => {
    const test = testStore();
    const db = await openDb(test.location, { schema: test.schema });
    try {
      protectAtRest(db, new KeyRing({ keys: [generateKey()], file: undefined }));
      const store = new CallStore(db, 0);
      const config = { env: Env.parse({}), dataDir: '/nonexistent', file: RelayFile.parse({ agents: { billing: { requireConsent: true } } }) };
      const finaliser = new Finaliser({
        db,
        store,
        analyser: createOfflineAnalyser(config),
        fallbackAnalyser: createOfflineAnalyser(config),
        config,
        sinks: ['dry-run'],
        transcriptUrl: (id) => `https://relay.example.com/t/${id}`,
        metrics: createMetrics(),
        log: createLogger('silent'),
        onEnqueued: () => {},
      });
      await store.record([...events('CAnoconsent', 'billing', null), ...events('CAconsent', 'billing', true), ...events('CAfront', 'front-desk', null)]);
      assert.equal(await finaliser.runOnce(), 3);

      const snapshotOf = async (id: string) => {
        const [row] = await db.query<{ snapshot: unknown }>('select snapshot from deliveries where call_id = $1', [id]);
        return CallSnapshot.parse(atRest(db).openJson(row!.snapshot));
      };
      const without = await snapshotOf('CAnoconsent');
      assert.equal(without.consent, false, 'the event says consent is missing');
      assert.deepEqual([without.transcript, without.transcriptUrl, without.recordingUrl], [null, null, null]);
      assert.equal(without.durationSeconds, 120, 'metadata still goes');
      assert.equal(without.from, '+15615550123');
      assert.deepEqual((await store.transcript('CAnoconsent')).turns, [], 'no transcript stored');
      assert.equal((await store.transcript('CAnoconsent')).vendor, null, 'no platform summary stored');
      const stored = await db.query<{ recording_url: string | null }>(`select recording_url from calls where id = 'CAnoconsent'`);
      assert.equal(stored[0]!.recording_url, null, 'no recording reference stored');
      const history = await db.query<{ detail: string }>(`select detail from call_history where call_id = 'CAnoconsent' and stage = 'analysed'`);
      assert.match(history[0]!.detail, /no consent: metadata only/);

      for (const id of ['CAconsent', 'CAfront']) {
        const withText = await snapshotOf(id);
        assert.equal(withText.consent, true, id);
        assert.equal(withText.transcriptUrl, `https://relay.example.com/t/${id}`);
        assert.equal((await store.transcript(id)).turns.length, 2, `${id} keeps its transcript`);
      }
    } finally {
      await db.close();
      await test.drop();
    }
  });
});
