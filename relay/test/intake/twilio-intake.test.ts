import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import twilio from 'twilio';
import { Intake } from '../../src/calls/intake.ts';
import { CallStore } from '../../src/calls/store.ts';
import { createLogger } from '../../src/log.ts';
import { createMetrics } from '../../src/metrics.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { createApp } from '../../src/web/app.ts';
import { webhookHandler } from '../../src/web/webhooks.ts';
import { send } from '../../src/simulate/simulate.ts';
import { testStore } from '../support/db.ts';
import { listen } from '../support/listen.ts';

const token = 'test-auth-token-0123456789abcdef';
const callSid = 'CA' + 'a'.repeat(32);
const accountSid = 'AC' + 'b'.repeat(32);

describe(`Twilio intake (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  const store = testStore();
  let db: Db;
  let callStore: CallStore;
  let server: Server;
  let base: string;

  before(async () => {
    db = await openDb(store.location, { schema: store.schema });
    const metrics = createMetrics();
    const log = createLogger('silent');
    callStore = new CallStore(db, 30);
    const intake = new Intake(callStore, { concurrency: 1 });
    const app = createApp({
      metrics,
      log,
      ready: async () => true,
      routers: [],
      webhooks: webhookHandler({ intake, metrics, log, publicUrl: 'https://relay.example.com', maxBodyBytes: 10_000, secrets: { twilioAuthToken: token, webhookSecret: 'w'.repeat(32), vapiSecret: undefined, retellApiKey: undefined, generated: false } }),
    });
    ({ server, base } = await listen(app));
  });
  after(async () => {
    server.close();
    await db.close();
    await store.drop();
  });

  // The relay sits behind a TLS proxy: Twilio signs the public URL, not the local one.
  const post = (path: string, params: Record<string, string>, authToken = token) => send(base + path, 'https://relay.example.com' + path, authToken, params);
  const status = (CallStatus: string, seq: number, extra: Record<string, string> = {}) => ({
    AccountSid: accountSid,
    CallSid: callSid,
    CallStatus,
    From: '+15615550192',
    To: '+18005550199',
    Direction: 'inbound',
    SequenceNumber: String(seq),
    Timestamp: new Date(Date.UTC(2026, 10, 20, 15, 0, seq * 30)).toUTCString(),
    ...extra,
  });

  it('stores a webhook delivered three times and out of order once, with the state moved forward only', async () => {
    const completed = status('completed', 3, { CallDuration: '95' });
    const sequence = [completed, status('ringing', 1), completed, status('in-progress', 2), completed, status('ringing', 1)];
    const results = [];
    for (const params of sequence) {
      const res = await post('/webhooks/twilio/voice', params);
      assert.equal(res.status, 200, 'every genuine delivery is acknowledged');
      results.push(((await res.json()) as { result: string }).result);
    }
    assert.deepEqual(results, Array(6).fill('accepted'), 'a repeat is acknowledged like the first');
    const { merged, duplicates } = await callStore.importIntake();
    assert.equal(merged.length, 3);
    assert.equal(duplicates, 3, 'repeats are recognised when the batch is merged');
    const calls = await db.query<{ status: string; stage: string; duration_seconds: number; from_number: string; agent_id: string }>('select * from calls');
    assert.equal(calls.length, 1, 'one call');
    assert.equal(calls[0]?.status, 'completed', 'a late ringing does not undo completed');
    assert.equal(calls[0]?.stage, 'completed');
    assert.equal(calls[0]?.duration_seconds, 95);
    assert.equal(calls[0]?.agent_id, '+18005550199', 'the number the AI answers is the agent');
    const events = await db.query<{ n: number }>('select count(*)::int as n from call_events');
    assert.equal(events[0]?.n, 3, 'three distinct events kept');
  });

  it('merges events a relay from before the intake table stored but had not merged when it stopped', async () => {
    const sid = 'CA' + '9'.repeat(32);
    const event = { callId: sid, provider: 'twilio', event: 'status:completed', sequence: '1', call: { status: 'completed', from: '+15615550192' } };
    await db.query(`insert into call_events (call_id, event, sequence, provider, payload) values ($1, 'status:completed', '1', 'twilio', $2)`, [sid, JSON.stringify(event)]);
    assert.equal(await callStore.mergeUnapplied(), 1);
    assert.equal((await callStore.get(sid))?.stage, 'completed');
    assert.equal(await callStore.mergeUnapplied(), 0, 'merged once');
  });

  it('refuses an invalid signature with 403 and stores nothing', async () => {
    // Acknowledged webhooks wait in intake until merged: nothing may reach either table.
    const stored = 'select (select count(*) from intake)::int + (select count(*) from call_events)::int as n';
    const before = await db.query<{ n: number }>(stored);
    const res = await post('/webhooks/twilio/voice', status('completed', 9, { CallSid: 'CA' + 'c'.repeat(32) }), 'not-the-token-0123456789abcdef00');
    assert.equal(res.status, 403);
    const tampered = await fetch(base + '/webhooks/twilio/voice', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, 'https://relay.example.com/webhooks/twilio/voice', status('ringing', 1)) },
      body: new URLSearchParams(status('completed', 1)).toString(),
    });
    assert.equal(tampered.status, 403, 'a body changed after signing is refused');
    const afterCount = await db.query<{ n: number }>(stored);
    assert.deepEqual(afterCount, before, 'nothing stored');
  });

  it('answers a malformed body with 400 naming the field', async () => {
    const res = await post('/webhooks/twilio/voice', status('exploded', 4));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /CallStatus/);
    const noSid = await post('/webhooks/twilio/recording', { AccountSid: accountSid, CallSid: callSid, RecordingStatus: 'completed' });
    assert.equal(noSid.status, 400);
    assert.match(((await noSid.json()) as { error: string }).error, /RecordingSid/);
    // PostgreSQL cannot store a NUL character: refused before the acknowledgement, not after.
    const nul = await post('/webhooks/twilio/transcription', {
      AccountSid: accountSid,
      CallSid: callSid,
      TranscriptionSid: 'GT' + 'e'.repeat(32),
      TranscriptionEvent: 'transcription-content',
      SequenceId: '1',
      Track: 'inbound_track',
      Final: 'true',
      TranscriptionData: JSON.stringify({ transcript: 'hello\u0000there', confidence: 0.9 }),
    });
    assert.equal(nul.status, 400);
    assert.match(((await nul.json()) as { error: string }).error, /TranscriptionData: transcript: .*NUL/);
  });

  it('answers an oversized body with 413, and a compressed one with 415 naming the encoding', async () => {
    const res = await post('/webhooks/twilio/voice', status('completed', 5, { Padding: 'x'.repeat(20_000) }));
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { error: string }).error, /too large/);
    const gzipped = await fetch(base + '/webhooks/twilio/voice', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: gzipSync(new URLSearchParams(status('completed', 6)).toString()),
    });
    assert.equal(gzipped.status, 415);
    assert.match(((await gzipped.json()) as { error: string }).error, /Content-Encoding gzip/);
  });

  it('checks the signature against the URL as the proxy in front saw it (X-Forwarded-Proto from loopback)', async () => {
    // Without PUBLIC_URL the relay rebuilds the URL Twilio called from the request.
    const intake = new Intake(callStore, { concurrency: 1 });
    const secrets = { twilioAuthToken: token, webhookSecret: 'w'.repeat(32), vapiSecret: undefined, retellApiKey: undefined, generated: false };
    const app = createApp({ metrics: createMetrics(), log: createLogger('silent'), ready: async () => true, routers: [], webhooks: webhookHandler({ intake, metrics: createMetrics(), log: createLogger('silent'), publicUrl: undefined, maxBodyBytes: 10_000, secrets }) });
    const { server: direct, base: directBase } = await listen(app);
    try {
      const host = new URL(directBase).host;
      const params = status('ringing', 1, { CallSid: 'CA' + 'f'.repeat(32) });
      const signedFor = (url: string) => twilio.getExpectedTwilioSignature(token, url, params);
      const sendWith = (signature: string, headers: Record<string, string> = {}) =>
        fetch(directBase + '/webhooks/twilio/voice?agent=front-desk', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, ...headers },
          body: new URLSearchParams(params).toString(),
        });
      assert.equal((await sendWith(signedFor(`https://${host}/webhooks/twilio/voice?agent=front-desk`))).status, 403, 'https is not believed without the header');
      assert.equal((await sendWith(signedFor(`https://${host}/webhooks/twilio/voice?agent=front-desk`), { 'x-forwarded-proto': 'https' })).status, 200);
      assert.equal((await sendWith(signedFor(`http://${host}/webhooks/twilio/voice?agent=front-desk`))).status, 200);
    } finally {
      direct.close();
    }
  });

  it('assembles streamed utterances in order and finalises early once transcript and recording are in', async () => {
    const sid = 'CA' + 'd'.repeat(32);
    const utter = (seq: number, track: string, text: string) => ({
      AccountSid: accountSid,
      CallSid: sid,
      TranscriptionSid: 'GT' + 'e'.repeat(32),
      TranscriptionEvent: 'transcription-content',
      SequenceId: String(seq),
      Track: track,
      Final: 'true',
      TranscriptionData: JSON.stringify({ transcript: text, confidence: 0.9 }),
    });
    await post('/webhooks/twilio/voice', { ...status('completed', 3, { CallDuration: '40' }), CallSid: sid });
    await post('/webhooks/twilio/transcription', utter(3, 'inbound_track', 'Thursday works.'));
    await post('/webhooks/twilio/transcription', utter(2, 'outbound_track', 'Tuesday or Thursday?'));
    await post('/webhooks/twilio/transcription', utter(1, 'inbound_track', 'I need an appointment.'));
    const storeView = callStore;
    await storeView.importIntake();
    let call = await storeView.get(sid);
    assert.ok(call?.finalise_after && call.finalise_after.getTime() > Date.now() + 20_000, 'waits for the grace window while transcript and recording are outstanding');
    await post('/webhooks/twilio/transcription', { AccountSid: accountSid, CallSid: sid, TranscriptionSid: 'GT' + 'e'.repeat(32), TranscriptionEvent: 'transcription-stopped', SequenceId: '4' });
    await post('/webhooks/twilio/recording', { AccountSid: accountSid, CallSid: sid, RecordingSid: 'RE' + 'f'.repeat(32), RecordingStatus: 'completed', RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/x/Recordings/y' });
    await storeView.importIntake();
    call = await storeView.get(sid);
    assert.ok(call?.finalise_after && call.finalise_after.getTime() <= Date.now() + 1000, 'finalised early once both are in');
    assert.equal(call?.recording_url, 'https://api.twilio.com/2010-04-01/Accounts/x/Recordings/y');
    const { turns } = await storeView.transcript(sid);
    assert.deepEqual(
      turns.map((t) => `${t.speaker}: ${t.text}`),
      ['caller: I need an appointment.', 'agent: Tuesday or Thursday?', 'caller: Thursday works.'],
    );
  });
});
