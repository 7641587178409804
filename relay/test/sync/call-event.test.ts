import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SyncPolicy } from '../../src/config.ts';
import {
  CallEventError,
  CallEventPayload,
  MAX_EVENT_BYTES,
  callEventContract,
  mappingDrift,
  toCallEvent,
} from '../../src/sync/call-event.ts';
import { applyPolicy } from '../../src/sync/policy.ts';
import type { Turn } from '../../src/calls/model.ts';
import { snapshot } from './fixtures.ts';

const everything: SyncPolicy = { summary: true, transcriptLink: true, transcript: true, recordingLink: true, metadataOnly: false };
const contractNames = callEventContract.fields.map((f) => f.name).sort();
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
const lengthOf = (name: string) => {
  const field = callEventContract.fields.find((f) => f.name === name);
  assert.ok(field && 'length' in field);
  return field.length;
};

describe('Call_Event__e payload', () => {
  test('the payload schema has exactly the fields of config/call-event.json', () => {
    assert.deepEqual(Object.keys(CallEventPayload.shape).sort(), contractNames);
    assert.deepEqual(mappingDrift(), { unmapped: [], unknown: [] });
  });

  test('drift is detected when the contract gains or loses a field', () => {
    const extra = { name: 'Sentiment__c', type: 'Text' as const, length: 20, required: false, group: 'insights' as const, label: 'Sentiment', description: 'x' };
    const grown = { ...callEventContract, fields: [...callEventContract.fields, extra] };
    assert.deepEqual(mappingDrift(grown).unmapped, ['Sentiment__c']);
    const shrunk = { ...callEventContract, fields: callEventContract.fields.filter((f) => f.name !== 'Tags__c') };
    assert.deepEqual(mappingDrift(shrunk).unknown, ['Tags__c']);
  });

  test('a fully analysed call with every switch on fills every contract field with typed values', () => {
    const event = toCallEvent(applyPolicy(snapshot(), everything));
    assert.deepEqual(Object.keys(event).sort(), contractNames);
    assert.equal(event.Call_Id__c, 'CA00000000000000000000000000000001');
    assert.equal(event.Schema_Version__c, callEventContract.schemaVersion);
    assert.equal(event.Event_Type__c, 'call_completed');
    assert.equal(event.Provider__c, 'twilio');
    assert.equal(event.Direction__c, 'Inbound');
    assert.equal(event.From_Phone__c, '+14155550123');
    assert.equal(event.Caller_Name_Confidence__c, 0.913, 'Number(4,3) keeps three decimals');
    assert.equal(event.Tags__c, 'new_caller;insurance');
    assert.equal(event.Appointment_Time__c, '2026-03-10T18:00:00.000Z', 'DateTime sent as ISO 8601 in UTC');
    assert.equal(event.Next_Action_Due__c, '2026-03-09T09:00:00.000Z');
    assert.equal(event.Consent__c, true);
    assert.equal(event.Duration_Seconds__c, 192);
    assert.equal(event.Summary__c, 'Asked: A cleaning next week.\nSaid: Booked Tuesday at 10.\nNext step: Send a reminder.');
    assert.equal(event.Transcript__c, 'Agent: Thanks for calling, how can I help?\nCaller: I would like a cleaning next week.');
  });

  test('metadata-only leaves every text field out of the event', () => {
    const event = toCallEvent(applyPolicy(snapshot(), { ...everything, metadataOnly: true }));
    for (const name of ['Summary__c', 'Transcript__c', 'Transcript_URL__c', 'Recording_URL__c', 'Next_Action__c', 'Qualification_Notes__c']) {
      assert.equal(name in event, false, `${name} must be absent`);
    }
    assert.equal(event.Disposition__c, 'appointment_booked');
    assert.equal(event.Next_Action_Due__c, '2026-03-09T09:00:00.000Z');
  });

  test('a redaction event carries its type', () => {
    const event = toCallEvent(applyPolicy(snapshot({ eventType: 'redact', insights: null, transcript: null, transcriptUrl: null }), everything));
    assert.equal(event.Event_Type__c, 'redact');
    assert.equal('Summary__c' in event, false);
  });

  test('a date the analyser could not express is left out instead of failing the call', () => {
    const call = snapshot();
    const event = toCallEvent(applyPolicy({ ...call, insights: { ...call.insights!, appointmentTime: 'next Tuesday' } }, everything));
    assert.equal('Appointment_Time__c' in event, false);
  });

  test('over-long free text is clipped to its field with a visible mark', () => {
    const call = snapshot();
    const event = toCallEvent(applyPolicy({ ...call, insights: { ...call.insights!, callerName: 'Ä'.repeat(500), nextAction: 'x'.repeat(400) } }, everything));
    assert.equal(String(event.Caller_Name__c).length, lengthOf('Caller_Name__c'));
    assert.ok(String(event.Caller_Name__c).endsWith('…'));
    assert.equal(String(event.Next_Action__c).length, lengthOf('Next_Action__c'));
  });

  test('a value the contract cannot hold is refused with the field named and no content', () => {
    const view = applyPolicy(snapshot(), everything);
    assert.throws(
      () => toCallEvent({ ...view, callId: 'C'.repeat(65), fromPhone: '+1'.repeat(30) }),
      (error: Error) => error instanceof CallEventError && /Call_Id__c/.test(error.message) && /From_Phone__c/.test(error.message) && !error.message.includes('+1+1'),
    );
  });

  // Japanese, emoji (surrogate pairs, 4 bytes each) and JSON-escaped quotes: costlier in bytes than in characters.
  const heavyTurns = (count: number): Turn[] =>
    Array.from({ length: count }, (_, i) => ({ speaker: i % 2 ? 'caller' : 'agent', text: `予約を変更したいです 😀 "quote" ${i}`, startMs: i * 1000 }));

  test('a transcript longer than its Long Text field is cut to the field length with a marker, whole characters only', () => {
    const event = toCallEvent(applyPolicy(snapshot({ transcript: heavyTurns(8_000) }), everything));
    const transcript = String(event.Transcript__c);
    assert.ok(transcript.length <= lengthOf('Transcript__c'), `${transcript.length} characters`);
    assert.ok(transcript.length > lengthOf('Transcript__c') - 200, 'uses the room it has');
    assert.match(transcript, /\[Transcript truncated by the relay to fit Salesforce's limits; the full text had \d+ characters\.\]$/);
    assert.equal(transcript.isWellFormed(), true, 'no half surrogate pair');
    assert.ok(bytes(event) < MAX_EVENT_BYTES);
  });

  test('the whole event stays under the byte limit when multi-byte text makes bytes the binding limit', () => {
    const limit = 100_000;
    const event = toCallEvent(applyPolicy(snapshot({ transcript: heavyTurns(5_000) }), everything), { maxEventBytes: limit });
    const transcript = String(event.Transcript__c);
    assert.ok(bytes(event) <= limit, `${bytes(event)} bytes`);
    assert.ok(bytes(event) > limit - 16, 'fills the budget rather than cutting blindly');
    assert.ok(transcript.length < lengthOf('Transcript__c'));
    assert.ok(transcript.endsWith('characters.]'));
    assert.equal(transcript.isWellFormed(), true);
  });

  test('a transcript that fits is sent whole, without a marker', () => {
    const event = toCallEvent(applyPolicy(snapshot({ transcript: heavyTurns(50) }), everything));
    assert.equal(String(event.Transcript__c).includes('truncated'), false);
    assert.equal(String(event.Transcript__c).split('\n').length, 50);
  });
});
