import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { snapshot } from '../sync/fixtures.ts';
import { defaultDispositions } from '../support/hubspot-server.ts';
import { crmState, harness, items, type Harness } from './harness.ts';
import { MemoryMappings } from './memory-mappings.ts';

const connected = defaultDispositions.find((d) => d.label === 'Connected')?.id;

describe('HubSpot sink: one call', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  it('creates one contact, one call engagement linked to it and one follow-up task', async () => {
    const call = snapshot({ callId: 'CA-one-call' });
    const [outcome] = await h.sink.deliver(items(call));
    assert.equal(outcome?.status, 'delivered', JSON.stringify(outcome));

    const contacts = h.server.all('contacts');
    const calls = h.server.all('calls');
    const tasks = h.server.all('tasks');
    assert.equal(contacts.length, 1, 'one contact');
    assert.equal(calls.length, 1, 'one call engagement');
    assert.equal(tasks.length, 1, 'one task');

    const contact = contacts[0]!;
    assert.equal(contact.properties.phone, '+14155550123');
    assert.equal(contact.properties.firstname, 'Dana');
    assert.equal(contact.properties.lastname, 'Whitfield');
    assert.equal(contact.properties.email, 'dana@example.com');
    assert.equal(contact.properties.lifecyclestage, 'opportunity', 'appointment_set maps to opportunity');
    assert.equal(contact.properties.hs_lead_status, 'IN_PROGRESS');
    assert.equal(contact.properties.ai_call_last_intent, 'book_appointment');
    assert.match(contact.properties.ai_call_last_summary ?? '', /^Asked: A cleaning next week\./);

    const engagement = calls[0]!.properties;
    assert.equal(engagement.ai_call_id, 'CA-one-call');
    assert.equal(engagement.hs_call_duration, '192000', 'duration in milliseconds');
    assert.equal(engagement.hs_call_direction, 'INBOUND');
    assert.equal(engagement.hs_call_from_number, '+14155550123');
    assert.equal(engagement.hs_call_to_number, '+14155550199');
    assert.equal(engagement.hs_call_status, 'COMPLETED');
    assert.equal(engagement.hs_call_disposition, connected, 'outcome GUID resolved from the portal');
    assert.equal(engagement.hs_timestamp, '2026-03-02T15:04:05.000Z');
    assert.equal(engagement.ai_call_intent, 'book_appointment');
    assert.equal(engagement.ai_call_intent_confidence, '0.88');
    assert.equal(engagement.hs_call_recording_url, undefined, 'recording link is off by default');
    assert.match(engagement.hs_call_body ?? '', /Booked Tuesday at 10\./);
    assert.match(engagement.hs_call_body ?? '', /href="https:\/\/relay\.example\.com\/calls\/CA1\/transcript\?sig=abc"/);
    assert.deepEqual(h.server.associated('calls', calls[0]!.id, 'contacts'), [contact.id]);

    const task = tasks[0]!.properties;
    assert.equal(task.hs_task_subject, 'Follow up: Send a reminder text on Monday');
    assert.equal(task.hs_timestamp, '2026-03-09T09:00:00Z', 'due when the analysis said');
    assert.equal(task.hs_task_status, 'NOT_STARTED');
    assert.deepEqual(h.server.associated('tasks', tasks[0]!.id, 'contacts'), [contact.id]);
    assert.equal(h.server.transcripts.length, 0, 'full transcript is off by default');
  });

  it('changes nothing when the same call is replayed three times', async () => {
    const before = crmState(h.server);
    const requestsBefore = h.server.requests.length;
    for (let i = 0; i < 3; i++) {
      const [outcome] = await h.sink.deliver(items(snapshot({ callId: 'CA-one-call' })));
      assert.equal(outcome?.status, 'delivered');
    }
    assert.deepEqual(crmState(h.server), before);
    assert.equal(h.server.requests.length, requestsBefore, 'a replay costs no request');
  });

  it('changes nothing on replay when only the call steps survive, even while search lags', async () => {
    h.server.searchLagMs = 60_000;
    const before = crmState(h.server);
    // The caller mappings and the "delivered" mark are gone; the steps the call recorded are not.
    const survivor = new MemoryMappings();
    for (const [id, steps] of h.mappings.callSteps) survivor.callSteps.set(id, structuredClone(steps));
    const [outcome] = await h.newSink({ mappings: survivor }).deliver(items(snapshot({ callId: 'CA-one-call' })));
    assert.equal(outcome?.status, 'delivered', JSON.stringify(outcome));
    const now = crmState(h.server);
    assert.equal(now.contacts.length, 1, 'no duplicate contact');
    assert.equal(now.calls.length, 1, 'no duplicate call');
    assert.equal(now.tasks.length, 1, 'no duplicate task');
    assert.deepEqual(now.associations, before.associations);
    h.server.searchLagMs = 0;
  });

  it('never duplicates the contact, even when the relay lost everything and search lags', async () => {
    h.server.searchLagMs = 60_000;
    const [outcome] = await h.newSink().deliver(items(snapshot({ callId: 'CA-one-call-again' })));
    assert.equal(outcome?.status, 'delivered', JSON.stringify(outcome));
    assert.equal(h.server.all('contacts').length, 1, 'the unique phone key answers 409 and the contact is read back');
    const call = h.server.all('calls').find((c) => c.properties.ai_call_id === 'CA-one-call-again')!;
    assert.deepEqual(h.server.associated('calls', call.id, 'contacts'), [h.server.all('contacts')[0]!.id]);
    h.server.searchLagMs = 0;
  });
});

describe('HubSpot sink: matching callers', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  it('matches a contact stored as "(561) 555-0192" to a call from +15615550192', async () => {
    const stored = h.server.seed('contacts', { phone: '(561) 555-0192', firstname: 'Rosa', lifecyclestage: 'customer', hubspot_owner_id: '77' });
    const [outcome] = await h.sink.deliver(
      items(snapshot({ callId: 'CA-formatted', from: '+15615550192', insights: { ...snapshot().insights!, callerEmail: null, pipelineStage: 'new_inquiry' } })),
    );
    assert.equal(outcome?.status, 'delivered', JSON.stringify(outcome));
    const contacts = h.server.all('contacts');
    assert.equal(contacts.length, 1, 'no new contact');
    assert.equal(await h.mappings.get('contact-by-phone', '+15615550192'), stored.id, 'remembered by its E.164 number');
    assert.equal(contacts[0]!.properties.firstname, 'Rosa', 'an existing name is not overwritten');
    assert.equal(contacts[0]!.properties.lifecyclestage, 'customer', 'lifecycle stage is never lowered');
    const call = h.server.all('calls')[0]!;
    assert.deepEqual(h.server.associated('calls', call.id, 'contacts'), [stored.id]);
    const task = h.server.all('tasks')[0]!;
    assert.equal(task.properties.hubspot_owner_id, '77', "the task goes to the contact's owner");
  });

  it('finds a returning caller by the relay mapping without searching, even while search lags', async () => {
    h.server.searchLagMs = 60_000;
    const first = snapshot({ callId: 'CA-first', from: '+13055550100', insights: { ...snapshot().insights!, callerEmail: null } });
    await h.sink.deliver(items(first));
    const searchesBefore = h.server.requests.filter((r) => r.path.endsWith('/search')).length;
    const [outcome] = await h.sink.deliver(items(snapshot({ callId: 'CA-second', from: '+13055550100', insights: { ...snapshot().insights!, callerEmail: null } })));
    assert.equal(outcome?.status, 'delivered');
    assert.equal(h.server.requests.filter((r) => r.path.endsWith('/search')).length, searchesBefore, 'no search for a known caller');
    const theirs = h.server.all('contacts').filter((c) => c.properties.phone === '+13055550100');
    assert.equal(theirs.length, 1, 'one contact for both calls');
    const calls = h.server.all('calls').filter((c) => ['CA-first', 'CA-second'].includes(c.properties.ai_call_id ?? ''));
    for (const call of calls) assert.deepEqual(h.server.associated('calls', call.id, 'contacts'), [theirs[0]!.id]);
    h.server.searchLagMs = 0;
  });

  it('looks again when a remembered contact was deleted or merged away in HubSpot', async () => {
    const first = snapshot({ callId: 'CA-before-delete', from: '+13055550177', insights: { ...snapshot().insights!, callerEmail: null } });
    await h.sink.deliver(items(first));
    const gone = await h.mappings.get('contact-by-phone', '+13055550177');
    assert.ok(gone);
    h.server.objects.get('contacts')?.delete(gone);
    const replacement = h.server.seed('contacts', { phone: '305-555-0177' });
    const [outcome] = await h.sink.deliver(items({ ...first, callId: 'CA-after-delete' }));
    assert.equal(outcome?.status, 'delivered', JSON.stringify(outcome));
    const call = h.server.all('calls').find((c) => c.properties.ai_call_id === 'CA-after-delete')!;
    assert.deepEqual(h.server.associated('calls', call.id, 'contacts'), [replacement.id]);
    assert.equal(await h.mappings.get('contact-by-phone', '+13055550177'), replacement.id);
  });

  it('falls back to email when the number is unknown, re-checking the match in code', async () => {
    const byEmail = h.server.seed('contacts', { email: 'Lee@Example.com', phone: '+442071838750' });
    await h.sink.deliver(
      items(snapshot({ callId: 'CA-email', from: '+17865550111', insights: { ...snapshot().insights!, callerEmail: 'lee@example.com' } })),
    );
    const call = h.server.all('calls').find((c) => c.properties.ai_call_id === 'CA-email')!;
    assert.deepEqual(h.server.associated('calls', call.id, 'contacts'), [byEmail.id]);
  });

  it('logs spam without creating a contact for it', async () => {
    const before = h.server.all('contacts').length;
    const [outcome] = await h.sink.deliver(
      items(
        snapshot({
          callId: 'CA-spam',
          from: '+12125550999',
          insights: { ...snapshot().insights!, callerEmail: null, disposition: 'spam', intent: 'spam', nextAction: null, nextActionDue: null, pipelineStage: null },
        }),
      ),
    );
    assert.equal(outcome?.status, 'delivered');
    assert.equal(h.server.all('contacts').length, before);
    const call = h.server.all('calls').find((c) => c.properties.ai_call_id === 'CA-spam')!;
    assert.equal(call.properties.hs_call_disposition, defaultDispositions.find((d) => d.label === 'Wrong number')?.id);
    assert.equal(h.server.all('tasks').some((t) => t.properties.ai_call_id === 'CA-spam'), false, 'no follow-up for spam');
  });
});

describe('HubSpot sink: policy', () => {
  it('sends the recording link and the full transcript only when the policy allows, and the transcript once', async () => {
    const h = await harness({ policy: { recordingLink: true, transcript: true } });
    try {
      await h.sink.deliver(items(snapshot({ callId: 'CA-full' })));
      await h.sink.deliver(items(snapshot({ callId: 'CA-full' })));
      const call = h.server.all('calls')[0]!;
      assert.equal(call.properties.hs_call_recording_url, 'https://api.twilio.com/recordings/RE1.mp3', 'Twilio serves the recording as MP3, which HubSpot plays');
      assert.equal(h.server.transcripts.length, 1);
      assert.equal(h.server.transcripts[0]!.engagementId, Number(call.id));
      assert.equal(h.server.transcripts[0]!.utterances.length, 2);
    } finally {
      await h.close();
    }
  });

  it('sends no text at all in metadata-only mode', async () => {
    const h = await harness({ policy: { metadataOnly: true } });
    try {
      await h.sink.deliver(items(snapshot({ callId: 'CA-meta' })));
      const call = h.server.all('calls')[0]!.properties;
      assert.equal(call.ai_call_summary, undefined);
      assert.doesNotMatch(call.hs_call_body ?? '', /cleaning|reminder|transcript/i);
      assert.equal(call.ai_call_intent, 'book_appointment', 'taxonomy values are metadata and still go');
      const task = h.server.all('tasks')[0]!.properties;
      assert.doesNotMatch(task.hs_task_subject ?? '', /reminder/);
      assert.equal(h.server.all('contacts')[0]!.properties.ai_call_last_summary, undefined);
    } finally {
      await h.close();
    }
  });
});

describe('HubSpot sink: limits and failures', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  it('turns a 429 with Retry-After into a retry and then delivers everything exactly once', async () => {
    h.server.fail({ status: 429, policyName: 'TEN_SECONDLY_ROLLING', retryAfterSeconds: 1, pathIncludes: '/objects/calls/' });
    const call = snapshot({ callId: 'CA-429', from: '+16175550100' });
    const [first] = await h.sink.deliver(items(call));
    assert.equal(first?.status, 'retry');
    assert.equal(first?.status === 'retry' ? first.retryAfterMs : undefined, 1_000);
    assert.ok(h.sink.pausedForMs() > 0, 'the portal pauses for the Retry-After');
    await new Promise((resolve) => setTimeout(resolve, h.sink.pausedForMs() + 20));
    const [second] = await h.sink.deliver(items(call));
    assert.equal(second?.status, 'delivered', JSON.stringify(second));
    assert.equal(h.server.all('calls').filter((c) => c.properties.ai_call_id === 'CA-429').length, 1);
    assert.equal(h.server.all('contacts').filter((c) => c.properties.phone === '+16175550100').length, 1);
  });

  it('retries 5xx and network-level failures without losing or duplicating anything', async () => {
    h.server.fail({ status: 502, pathIncludes: '/objects/tasks/' });
    const call = snapshot({ callId: 'CA-5xx', from: '+16175550101' });
    const [first] = await h.sink.deliver(items(call));
    assert.equal(first?.status, 'retry');
    const [second] = await h.sink.deliver(items(call));
    assert.equal(second?.status, 'delivered', JSON.stringify(second));
    assert.equal(h.server.all('calls').filter((c) => c.properties.ai_call_id === 'CA-5xx').length, 1, 'the call created before the 502 is reused');
    assert.equal(h.server.all('tasks').filter((c) => c.properties.ai_call_id === 'CA-5xx').length, 1);
    const callId = h.server.all('calls').find((c) => c.properties.ai_call_id === 'CA-5xx')!.id;
    assert.equal(h.server.associated('calls', callId, 'contacts').length, 1);
  });

  it('pauses delivery for the daily limit instead of failing it', async () => {
    h.server.fail({ status: 429, policyName: 'DAILY' });
    const [outcome] = await h.sink.deliver(items(snapshot({ callId: 'CA-daily', from: '+16175550102' })));
    assert.equal(outcome?.status, 'retry', 'a daily limit is not a failure');
    assert.ok(h.sink.pausedForMs() > 50 * 60_000, `paused for ${h.sink.pausedForMs()} ms`);
    const requests = h.server.requests.length;
    const [again] = await h.sink.deliver(items(snapshot({ callId: 'CA-daily', from: '+16175550102' })));
    assert.equal(again?.status, 'retry');
    assert.equal(h.server.requests.length, requests, 'nothing is sent while paused');
  });
});

describe('HubSpot sink: batches', () => {
  it('delivers a batch with shared requests, and isolates a permanent refusal call by call', async () => {
    // Retrying call by call spends requests; a roomy budget keeps this about isolation only.
    const h = await harness({ limiter: { perTenSeconds: 1_000 } });
    try {
      const calls = Array.from({ length: 10 }, (_, i) =>
        snapshot({ callId: `CA-batch-${i}`, from: `+1415555${String(1000 + i)}`, insights: { ...snapshot().insights!, callerEmail: `caller${i}@example.com` } }),
      );
      h.server.fail({ status: 400, pathIncludes: '/objects/tasks/batch/create' });
      const outcomes = await h.sink.deliver(items(...calls));
      assert.deepEqual(outcomes.map((o) => o.status), Array(10).fill('delivered'), JSON.stringify(outcomes));
      assert.equal(h.server.all('contacts').length, 10);
      assert.equal(h.server.all('calls').length, 10);
      assert.equal(h.server.all('tasks').length, 10);
    } finally {
      await h.close();
    }
  });

  it('sends a call HubSpot refuses on its merits to the dead letters', async () => {
    const h = await harness();
    try {
      h.server.fail({ status: 403, pathIncludes: '/objects/calls/' }, 5);
      const [outcome] = await h.sink.deliver(items(snapshot({ callId: 'CA-403' })));
      assert.equal(outcome?.status, 'failed');
    } finally {
      await h.close();
    }
  });
});
