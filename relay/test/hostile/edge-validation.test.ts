// What the store cannot hold is refused at the edge, before the acknowledgement, with a 400 that
// names the webhook's field; nothing of it is stored, and one bad webhook never fails another's
// acknowledgement. Every case goes through the real HTTP server, signed as its platform signs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Relay } from '../../src/pipeline.ts';
import { relayEnv, startRelay, waitFor, type RelayEnv } from '../support/relay-harness.ts';
import { ALL_WEBHOOKS_ENV, ordinaryCall, sendSigned, twilioSid, type Adapter } from '../support/signed-webhooks.ts';

const FAR_FUTURE = Date.now() + 400 * 86_400_000;

type Case = { name: string; adapter: Adapter; body: string | Record<string, string>; field: RegExp; twilioKind?: 'voice' | 'recording' | 'transcription'; query?: string };

function generic(fields: Record<string, unknown>) {
  const { callId, body } = ordinaryCall('generic');
  return { callId, body: JSON.stringify({ ...JSON.parse(body as string), ...fields }) };
}
function twilioVoice(fields: Record<string, string>) {
  const { body } = ordinaryCall('twilio-form');
  return { ...(body as Record<string, string>), ...fields };
}
function vapi(fields: Record<string, unknown>) {
  const report = JSON.parse(ordinaryCall('vapi').body as string);
  Object.assign(report.message, fields);
  return JSON.stringify(report);
}
function retell(fields: Record<string, unknown>) {
  const hook = JSON.parse(ordinaryCall('retell').body as string);
  Object.assign(hook.call, fields);
  return JSON.stringify(hook);
}
function nested(levels: number) {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

const cases: Case[] = [
  { name: 'generic duration beyond any integer column', adapter: 'generic', body: generic({ durationSeconds: 3_000_000_000 }).body, field: /durationSeconds/ },
  { name: 'Twilio CallDuration beyond any integer column', adapter: 'twilio-form', body: twilioVoice({ CallDuration: '3000000000' }), field: /CallDuration/ },
  { name: 'Twilio CallDuration of 14 digits', adapter: 'twilio-form', body: twilioVoice({ CallDuration: '99999999999999' }), field: /CallDuration/ },
  { name: 'Twilio JSON CallDuration beyond any integer column', adapter: 'twilio-json', body: JSON.stringify(twilioVoice({ CallDuration: '3000000000' })), field: /CallDuration/ },
  { name: 'Twilio Timestamp in 1900', adapter: 'twilio-form', body: twilioVoice({ Timestamp: 'Mon, 01 Jan 1900 00:00:00 GMT' }), field: /Timestamp/ },
  // V8 reads year 0000 in an RFC 2822 date as 2000: the start it implies (end minus duration) is refused.
  { name: 'Twilio Timestamp in year 0 with a duration', adapter: 'twilio-form', body: twilioVoice({ Timestamp: 'Sat, 01 Jan 0000 00:00:00 GMT' }), field: /startedAt: must not be before 2000/ },
  { name: 'Vapi duration of 1e12 seconds', adapter: 'vapi', body: vapi({ durationSeconds: 1e12 }), field: /durationSeconds/ },
  { name: 'Retell end far in the future', adapter: 'retell', body: retell({ end_timestamp: FAR_FUTURE }), field: /end_timestamp/ },
  { name: 'Retell start of 1e20 ms', adapter: 'retell', body: retell({ start_timestamp: 1e20 }), field: /start_timestamp/ },
  { name: 'generic agentId with a lone surrogate', adapter: 'generic', body: generic({ agentId: 'front\ud800desk' }).body, field: /agentId: .*surrogate/ },
  { name: 'generic metadata key with a lone surrogate', adapter: 'generic', body: generic({ metadata: { ['k\udc00']: 1 } }).body, field: /metadata: a key: .*surrogate/ },
  { name: 'Vapi transcript with a lone surrogate', adapter: 'vapi', body: vapi({ artifact: { messages: [{ role: 'user', message: 'cut \ud83d' }] } }), field: /artifact\.messages\[0\]\.message: .*surrogate/ },
  { name: 'generic startedAt in year 0', adapter: 'generic', body: generic({ startedAt: '0000-01-01T00:00:00Z' }).body, field: /startedAt/ },
  { name: 'generic endedAt with a +23:59 offset', adapter: 'generic', body: generic({ endedAt: '2026-01-01T00:00:00+23:59' }).body, field: /endedAt: .*offset/ },
  { name: 'generic NUL in the transcript', adapter: 'generic', body: generic({ transcript: [{ speaker: 'caller', text: 'a\u0000b' }] }).body, field: /transcript\[0\]\.text: .*NUL/ },
  { name: 'generic metadata nested 10,000 levels', adapter: 'generic', body: generic({}).body.replace(/}$/, `,"metadata":${nested(10_000)}}`), field: /metadata(\.a)+: nested more than 32/ },
  { name: 'Retell analysis nested 40 levels', adapter: 'retell', body: retell({ call_analysis: { custom_analysis_data: JSON.parse(nested(40)) } }), field: /custom_analysis_data(\.a)+: nested/ },
  { name: 'Twilio transcription text nested in TranscriptionData', adapter: 'twilio-form', twilioKind: 'transcription', body: { AccountSid: twilioSid('AC'), CallSid: twilioSid('CA'), TranscriptionEvent: 'transcription-content', SequenceId: '1', Final: 'true', TranscriptionData: JSON.stringify({ transcript: 'cut \ud83d' }) }, field: /TranscriptionData: transcript: .*surrogate/ },
  { name: 'Twilio SequenceId beyond a safe integer', adapter: 'twilio-form', twilioKind: 'transcription', body: { AccountSid: twilioSid('AC'), CallSid: twilioSid('CA'), TranscriptionEvent: 'transcription-started', SequenceId: '9'.repeat(40) }, field: /SequenceId/ },
  { name: 'Twilio agent query parameter with a NUL', adapter: 'twilio-form', body: twilioVoice({}), query: 'agent=front%00desk', field: /query: agent: .*NUL/ },
  { name: 'generic javascript: recording link', adapter: 'generic', body: generic({ recordingUrl: 'javascript:alert(document.cookie)' }).body, field: /recordingUrl: .*https/ },
  { name: 'generic plain http recording link to another host', adapter: 'generic', body: generic({ recordingUrl: 'http://recordings.example.com/a.mp3' }).body, field: /recordingUrl/ },
  { name: 'Twilio javascript: RecordingUrl', adapter: 'twilio-form', twilioKind: 'recording', body: { AccountSid: twilioSid('AC'), CallSid: twilioSid('CA'), RecordingSid: twilioSid('RE'), RecordingStatus: 'completed', RecordingUrl: 'javascript:alert(1)' }, field: /RecordingUrl/ },
  { name: 'Vapi data: recording link', adapter: 'vapi', body: vapi({ artifact: { recordingUrl: 'data:text/html,<script>alert(1)</script>' } }), field: /artifact\.recordingUrl/ },
  { name: 'Retell javascript: recording link', adapter: 'retell', body: retell({ recording_url: 'javascript:alert(1)' }), field: /recording_url/ },
];

describe('validation at the edge, before the acknowledgement', () => {
  let setup: RelayEnv;
  let relay: Relay;
  let url: string;

  before(async () => {
    setup = relayEnv({ finalisation: { graceSeconds: 0 } }, { ...ALL_WEBHOOKS_ENV, MAX_BODY_BYTES: '2000000' });
    ({ relay, url } = await startRelay(setup));
  });
  after(async () => {
    await relay.stop();
    await setup.cleanup();
  });

  for (const c of cases) {
    it(`refuses ${c.name} with 400 naming the field`, async () => {
      const { status, error } = await sendSigned(url, c.adapter, c.body, { twilioKind: c.twilioKind, query: c.query });
      assert.equal(status, 400, `answered ${status}: ${error}`);
      assert.match(error ?? '', c.field);
    });
  }

  it('stored nothing of the refused webhooks, and still merges an ordinary call of every platform', async () => {
    const ordinary = (['twilio-form', 'twilio-json', 'generic', 'vapi', 'retell'] as Adapter[]).map((adapter) => ({ adapter, ...ordinaryCall(adapter) }));
    for (const o of ordinary) assert.equal((await sendSigned(url, o.adapter, o.body)).status, 200, `${o.adapter} acknowledged`);
    const ids = ordinary.map((o) => o.callId);
    await waitFor('the ordinary calls merged', async () => (await relay.db.query('select id from calls where id = any($1)', [ids])).length === ids.length);
    const [{ calls, events, waiting }] = await relay.db.query<{ calls: number; events: number; waiting: number }>(
      `select (select count(*)::int from calls where not (id = any($1))) as calls, (select count(*)::int from call_events where not (call_id = any($1))) as events,
              (select count(*)::int from intake) as waiting`,
      [ids],
    ) as [{ calls: number; events: number; waiting: number }];
    assert.deepEqual({ calls, events, waiting }, { calls: 0, events: 0, waiting: 0 });
  });

  it('acknowledges every ordinary webhook sent alongside a deeply nested one', async () => {
    const calls = Array.from({ length: 450 }, () => ordinaryCall('generic'));
    const hostile = generic({}).body.replace(/}$/, `,"metadata":${nested(10_000)}}`);
    const sends = calls.map((c, i) => (i % 50 === 25 ? Promise.all([sendSigned(url, 'generic', hostile), sendSigned(url, 'generic', c.body)]).then(([bad, ok]) => (assert.equal(bad.status, 400), ok)) : sendSigned(url, 'generic', c.body)));
    const statuses = (await Promise.all(sends)).map((r) => r.status);
    assert.deepEqual([...new Set(statuses)], [200], 'every ordinary webhook acknowledged');
  });
});
