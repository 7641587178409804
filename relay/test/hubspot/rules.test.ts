// What the sink does where HubSpot is strict or a person's work is at stake: 207 per item, a
// crash between a create and its record in the store, lead status that only moves forward,
// emails and recording links HubSpot refuses, renamed call outcomes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RelayFile } from '../../src/config.ts';
import { applyPolicy } from '../../src/sync/policy.ts';
import { leadStatusMove, playableRecording, usableEmail } from '../../src/sync/hubspot/records.ts';
import type { CallSnapshot } from '../../src/sync/snapshot.ts';
import { snapshot } from '../sync/fixtures.ts';
import { defaultDispositions } from '../support/hubspot-server.ts';
import { harness, items } from './harness.ts';
import { MemoryMappings } from './memory-mappings.ts';

const insights = (over: Partial<NonNullable<CallSnapshot['insights']>>) => ({ ...snapshot().insights!, ...over });
const qualified = insights({ disposition: 'qualified', pipelineStage: 'qualified' });
const voicemail = insights({ disposition: 'voicemail', pipelineStage: null, nextAction: null, nextActionDue: null, callerName: 'Someone Else', callerNameConfidence: 0.99 });

describe('HubSpot sink: partial failures (207)', () => {
  it('delivers a call only when each of its writes succeeded, and retries only what failed', async () => {
    const h = await harness();
    try {
      await h.sink.deliver(items(snapshot({ callId: 'CA-warm', from: '+14155550000' })));
      h.server.failItems(1, '/objects/tasks/batch/create');
      const [first] = await h.sink.deliver(items(snapshot({ callId: 'CA-207' })));
      assert.equal(first?.status, 'retry', 'the task failed, so the call is not delivered');
      assert.match(first?.status === 'retry' ? first.error : '', /task not created/);
      h.server.failItems(0);
      const [second] = await h.sink.deliver(items(snapshot({ callId: 'CA-207' })));
      assert.equal(second?.status, 'delivered', JSON.stringify(second));
      assert.equal(h.server.all('calls').filter((c) => c.properties.ai_call_id === 'CA-207').length, 1, 'the call is not created again');
      assert.equal(h.server.all('tasks').filter((c) => c.properties.ai_call_id === 'CA-207').length, 1);
    } finally {
      await h.close();
    }
  });

  it('never creates a call without its contact: a contact refused in a 207 holds the call back', async () => {
    const h = await harness();
    try {
      await h.sink.deliver(items(snapshot({ callId: 'CA-warm', from: '+14155550000' })));
      h.server.failItems(1, '/objects/contacts/batch/create');
      const [first] = await h.sink.deliver(items(snapshot({ callId: 'CA-nocontact', from: '+14155550101', insights: insights({ callerEmail: null }) })));
      assert.equal(first?.status, 'retry');
      assert.equal(h.server.all('calls').filter((c) => c.properties.ai_call_id === 'CA-nocontact').length, 0);
    } finally {
      await h.close();
    }
  });
});

describe('HubSpot sink: a crash between a create and its record in the store', () => {
  it('finds the call by ai_call_id instead of creating it twice', async () => {
    const h = await harness({ sync: { unknownOutcomeWaitSeconds: 1 } });
    try {
      class Crashing extends MemoryMappings {
        override async complete(step: 'contact' | 'call' | 'task', done: { callId: string; hubspotId: string | null }[]): Promise<void> {
          if (step === 'call') throw new Error('relay killed');
          return super.complete(step, done);
        }
      }
      const crashing = new Crashing();
      const [first] = await h.newSink({ mappings: crashing, sync: { unknownOutcomeWaitSeconds: 1 } }).deliver(items(snapshot({ callId: 'CA-crash' })));
      assert.equal(first?.status, 'retry');
      assert.equal(h.server.all('calls').length, 1, 'HubSpot has the call; the store does not');
      // The relay restarts on the same store.
      const restarted = new MemoryMappings();
      for (const [k, v] of crashing.entries) restarted.entries.set(k, v);
      for (const [k, v] of crashing.callSteps) restarted.callSteps.set(k, structuredClone(v));
      const sink = h.newSink({ mappings: restarted, sync: { unknownOutcomeWaitSeconds: 1 } });
      const [soon] = await sink.deliver(items(snapshot({ callId: 'CA-crash' })));
      assert.equal(soon?.status, 'retry', "too soon: HubSpot's search index may not show the call yet");
      assert.ok(soon?.status === 'retry' && (soon.retryAfterMs ?? 0) > 0);
      await new Promise((resolve) => setTimeout(resolve, 1_050));
      const [later] = await sink.deliver(items(snapshot({ callId: 'CA-crash' })));
      assert.equal(later?.status, 'delivered', JSON.stringify(later));
      assert.equal(h.server.all('calls').length, 1, 'no duplicate call');
      assert.equal(h.server.all('tasks').length, 1);
    } finally {
      await h.close();
    }
  });
});

describe('HubSpot sink: what a person entered stays', () => {
  it('leaves lead status alone when a voicemail follows a qualified call, and never renames the contact', async () => {
    const h = await harness();
    try {
      await h.sink.deliver(items(snapshot({ callId: 'CA-qualified', insights: qualified })));
      const contact = () => h.server.all('contacts')[0]!.properties;
      assert.equal(contact().hs_lead_status, 'OPEN_DEAL');
      await h.sink.deliver(items(snapshot({ callId: 'CA-voicemail', startedAt: '2026-03-04T10:00:00.000Z', insights: voicemail })));
      assert.equal(contact().hs_lead_status, 'OPEN_DEAL', 'a voicemail does not move a qualified lead back');
      assert.equal(contact().firstname, 'Dana', 'the name stays');
      assert.equal(contact().ai_call_last_disposition, 'voicemail', 'the latest call is still recorded');
    } finally {
      await h.close();
    }
  });

  it('records on the call a lead status the customised portal lacks, instead of failing the call', async () => {
    const h = await harness();
    try {
      const status = h.server.properties.get('contacts')?.get('hs_lead_status');
      assert.ok(status?.options);
      status.options = status.options.filter((o) => o.value !== 'IN_PROGRESS');
      const [outcome] = await h.sink.deliver(items(snapshot({ callId: 'CA-custom-status' })));
      assert.equal(outcome?.status, 'delivered', JSON.stringify(outcome));
      assert.equal(h.server.all('contacts')[0]!.properties.hs_lead_status, undefined);
      assert.match(h.server.all('calls')[0]!.properties.ai_call_sync_notes ?? '', /lead status IN_PROGRESS not set/);
    } finally {
      await h.close();
    }
  });

  it('moves lead status only forward along the configured order, and never over a status outside it', () => {
    const order = RelayFile.parse({}).hubspot.leadStatusOrder;
    fc.assert(
      fc.property(fc.option(fc.constantFrom(...order, 'BAD_TIMING', 'UNQUALIFIED')), fc.constantFrom(...order, 'UNQUALIFIED'), (current, target) => {
        const { write } = leadStatusMove(current, target, order, null);
        if (!current) return write === target;
        if (!order.includes(current)) return write === null;
        return write === (order.indexOf(target) > order.indexOf(current) ? target : null);
      }),
    );
  });
});

describe('HubSpot sink: values HubSpot refuses', () => {
  it('drops an invalid email, keeps the call, and says why', async () => {
    const h = await harness();
    try {
      const [outcome] = await h.sink.deliver(items(snapshot({ callId: 'CA-bad-email', insights: insights({ callerEmail: 'dana at example dot com' }) })));
      assert.equal(outcome?.status, 'delivered', JSON.stringify(outcome));
      assert.equal(h.server.all('contacts')[0]!.properties.email, undefined);
      assert.match(h.server.all('calls')[0]!.properties.ai_call_sync_notes ?? '', /caller email dropped/);
    } finally {
      await h.close();
    }
  });

  it('sends a recording link HubSpot can play, or none with the reason', async () => {
    const h = await harness({ policy: { recordingLink: true } });
    try {
      await h.sink.deliver(items(snapshot({ callId: 'CA-http-rec', from: '+14155550102', recordingUrl: 'http://recordings.example.com/r/1.mp3' })));
      const call = h.server.all('calls').find((c) => c.properties.ai_call_id === 'CA-http-rec')!;
      assert.equal(call.properties.hs_call_recording_url, undefined);
      assert.match(call.properties.ai_call_sync_notes ?? '', /only HTTPS/);
    } finally {
      await h.close();
    }
    const policy = { ...RelayFile.parse({}).integrations.hubspot.policy, recordingLink: true };
    const link = (url: string) => playableRecording(applyPolicy(snapshot({ recordingUrl: url }), policy)).url;
    assert.equal(link('https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE0123abcd'), 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE0123abcd.mp3');
    assert.equal(link('https://cdn.example.com/calls/1.wav'), 'https://cdn.example.com/calls/1.wav');
    assert.equal(link('https://cdn.example.com/calls/1'), null, 'HubSpot plays only .mp3 and .wav');
  });

  it('accepts only emails of the shape HubSpot takes, for any input', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const { email } = usableEmail(raw);
        return email === null || (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) && email === email.toLowerCase());
      }),
    );
  });

  it('falls back to HubSpot\'s default outcome GUIDs when the portal renamed or translated the labels', async () => {
    const h = await harness();
    try {
      h.server.dispositions = defaultDispositions.map((d) => ({ ...d, label: `Traduit: ${d.label}` }));
      await h.sink.deliver(items(snapshot({ callId: 'CA-localised' })));
      assert.equal(h.server.all('calls')[0]!.properties.hs_call_disposition, defaultDispositions.find((d) => d.label === 'Connected')?.id);
    } finally {
      await h.close();
    }
  });
});
