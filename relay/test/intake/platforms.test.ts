import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestError } from '../../src/ingest/event.ts';
import { parseGeneric, signGeneric, verifyGeneric } from '../../src/ingest/generic.ts';
import { parseRetell, signRetell, verifyRetell } from '../../src/ingest/retell.ts';
import { parseVapi, verifyVapi } from '../../src/ingest/vapi.ts';
import { hmacSha256 } from '../../src/ingest/hmac.ts';

const secret = 'generic-secret-0123456789abcdef';

describe('generic call-completed webhook', () => {
  const body = JSON.stringify({
    callId: 'call-123',
    agentId: 'front-desk',
    from: '+15615550192',
    to: '+18005550199',
    startedAt: '2026-11-20T15:00:00Z',
    endedAt: '2026-11-20T15:02:05Z',
    transcript: [
      { speaker: 'agent', text: 'Hello, how can I help?' },
      { speaker: 'caller', text: 'I want to book a cleaning.', startMs: 2100 },
    ],
    summary: 'Caller booked a cleaning.',
  });

  it('accepts its own signature and refuses a changed body, a wrong secret and an old timestamp', () => {
    const header = signGeneric(secret, body);
    assert.equal(verifyGeneric(secret, header, Buffer.from(body)), true);
    assert.equal(verifyGeneric(secret, header, Buffer.from(body.replace('cleaning', 'filling'))), false);
    assert.equal(verifyGeneric('another-secret-0123456789abcdef', header, Buffer.from(body)), false);
    assert.equal(verifyGeneric(secret, signGeneric(secret, body, Date.now() - 10 * 60_000), Buffer.from(body)), false);
    assert.equal(verifyGeneric(secret, undefined, Buffer.from(body)), false);
  });

  it('becomes one complete event with the transcript, duration and vendor summary', () => {
    const event = parseGeneric(JSON.parse(body));
    assert.equal(event.callId, 'call-123');
    assert.equal(event.call.durationSeconds, 125, 'duration derived from start and end');
    assert.equal(event.call.transcriptDone && event.call.recordingDone, true, 'a complete report finalises at once');
    assert.equal(event.transcript?.[1]?.startMs, 2100);
    assert.equal(event.transcript?.[0]?.startMs, null);
    assert.equal(event.vendor?.summary, 'Caller booked a cleaning.');
  });

  it('names the field of a malformed body', () => {
    assert.throws(
      () => parseGeneric({ callId: 'x', transcript: [{ speaker: 'robot', text: 'hi' }] }),
      (e: unknown) => e instanceof IngestError && e.status === 400 && /transcript\.0\.speaker/.test(e.message),
    );
    assert.throws(() => parseGeneric({ callId: 'x', unexpected: 1 }), (e: unknown) => e instanceof IngestError && /unexpected|Unrecognized/i.test(e.message));
  });
});

describe('Vapi end-of-call-report', () => {
  const report = {
    message: {
      type: 'end-of-call-report',
      endedReason: 'customer-ended-call',
      startedAt: '2026-11-20T15:00:00.000Z',
      endedAt: '2026-11-20T15:01:30.000Z',
      call: { id: 'vapi-call-1', type: 'inboundPhoneCall', assistantId: 'asst_1', customer: { number: '+15615550192' }, phoneNumber: { number: '+18005550199' } },
      artifact: {
        messages: [
          { role: 'system', message: 'You are a receptionist.' },
          { role: 'bot', message: 'Hi, how can I help?', secondsFromStart: 0.5 },
          { role: 'user', message: 'Do you open on Saturday?', secondsFromStart: 3.2 },
        ],
        recordingUrl: 'https://storage.vapi.ai/rec.wav',
      },
      analysis: { summary: 'Asked about Saturday hours.', successEvaluation: 'true' },
    },
  };

  it('checks the HMAC signature of the raw body', () => {
    const raw = Buffer.from(JSON.stringify(report));
    assert.equal(verifyVapi(secret, hmacSha256(secret, raw), raw), true);
    assert.equal(verifyVapi(secret, hmacSha256(secret, raw), Buffer.from(JSON.stringify({ ...report, x: 1 }))), false);
    assert.equal(verifyVapi(secret, undefined, raw), false);
  });

  it('keeps speakers, offsets, numbers and the vendor analysis; ignores other messages', () => {
    const event = parseVapi(report);
    assert.ok(event);
    assert.equal(event.call.from, '+15615550192');
    assert.equal(event.call.to, '+18005550199');
    assert.equal(event.call.durationSeconds, 90);
    assert.deepEqual(event.transcript?.map((t) => [t.speaker, t.startMs]), [['agent', 500], ['caller', 3200]]);
    assert.equal(event.vendor?.summary, 'Asked about Saturday hours.');
    assert.equal(parseVapi({ message: { type: 'status-update' } }), null);
  });
});

describe('Retell call_analyzed', () => {
  const payload = {
    event: 'call_analyzed',
    call: {
      call_id: 'retell-1',
      agent_id: 'agent_9',
      direction: 'inbound',
      from_number: '+15615550192',
      to_number: '+18005550199',
      start_timestamp: 1_795_000_000_000,
      end_timestamp: 1_795_000_061_000,
      transcript_object: [
        { role: 'agent', content: 'Thanks for calling.', words: [{ start: 0.2 }] },
        { role: 'user', content: 'My order has not arrived.', words: [{ start: 2.5 }] },
      ],
      call_analysis: { call_summary: 'Order status question.', user_sentiment: 'Negative', call_successful: true },
    },
  };

  it('checks the v=<ms>,d=<hmac> signature with a time window', () => {
    const raw = JSON.stringify(payload);
    assert.equal(verifyRetell(secret, signRetell(secret, raw), Buffer.from(raw)), true);
    assert.equal(verifyRetell(secret, signRetell(secret, raw, Date.now() - 6 * 60_000), Buffer.from(raw)), false);
    assert.equal(verifyRetell(secret, signRetell('other-key-0123456789abcdef012', raw), Buffer.from(raw)), false);
  });

  it('becomes a complete event; call_started and call_ended are ignored', () => {
    const event = parseRetell(payload);
    assert.ok(event);
    assert.equal(event.call.durationSeconds, 61);
    assert.deepEqual(event.transcript?.map((t) => t.speaker), ['agent', 'caller']);
    assert.equal(event.vendor?.data.userSentiment, 'Negative');
    assert.equal(parseRetell({ event: 'call_ended', call: {} }), null);
  });
});
