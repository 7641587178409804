import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatSummary } from '../../src/analysis/insights.ts';
import { RelayFile, SyncPolicy, policyFor } from '../../src/config.ts';
import { applyPolicy, type CrmView } from '../../src/sync/policy.ts';
import { snapshot } from './fixtures.ts';

const defaults = SyncPolicy.parse({});
const call = snapshot();
const insights = call.insights!;

/** The fields that carry what was said, or lead to it. */
const textFields = ['summary', 'qualificationNotes', 'nextAction', 'transcript', 'transcriptUrl', 'recordingUrl'] as const;

function structuredOf(view: CrmView) {
  const copy: Partial<CrmView> = { ...view };
  for (const field of textFields) delete copy[field];
  return copy;
}

describe('sync policy', () => {
  test('the default policy sends metadata, summary and transcript link, not the transcript or recording', () => {
    const view = applyPolicy(call, defaults);
    assert.equal(view.callId, call.callId);
    assert.equal(view.eventType, 'call_completed');
    assert.equal(view.provider, 'twilio');
    assert.equal(view.agentId, 'front-desk');
    assert.equal(view.direction, 'inbound');
    assert.equal(view.fromPhone, '+14155550123');
    assert.equal(view.toPhone, '+14155550199');
    assert.equal(view.startedAt, call.startedAt);
    assert.equal(view.endedAt, call.endedAt);
    assert.equal(view.durationSeconds, 192);
    assert.equal(view.consent, true);
    assert.equal(view.analysisSource, 'llm');
    assert.equal(view.redactionConfidence, 0.97);
    assert.equal(view.callerName, 'Dana Whitfield');
    assert.equal(view.callerNameConfidence, insights.callerNameConfidence);
    assert.equal(view.callerEmail, 'dana@example.com');
    assert.equal(view.intent, 'book_appointment');
    assert.equal(view.intentConfidence, 0.88);
    assert.equal(view.disposition, 'appointment_booked');
    assert.equal(view.dispositionConfidence, 0.91);
    assert.deepEqual(view.tags, ['new_caller', 'insurance']);
    assert.equal(view.pipelineStage, 'appointment_set');
    assert.equal(view.appointmentTime, insights.appointmentTime);
    assert.equal(view.nextActionDue, insights.nextActionDue);
    assert.equal(view.summary, formatSummary(insights.summary));
    assert.equal(view.qualificationNotes, insights.qualificationNotes);
    assert.equal(view.nextAction, insights.nextAction);
    assert.equal(view.transcriptUrl, call.transcriptUrl);
    assert.equal(view.transcript, null, 'the full transcript is opt-in');
    assert.equal(view.recordingUrl, null, 'the recording link is opt-in');
  });

  test('summary off withholds the summary and the qualification notes only', () => {
    const view = applyPolicy(call, { ...defaults, summary: false });
    assert.equal(view.summary, null);
    assert.equal(view.qualificationNotes, null);
    assert.equal(view.nextAction, insights.nextAction, 'next action is not part of the summary switch');
    assert.equal(view.transcriptUrl, call.transcriptUrl);
    assert.deepEqual(structuredOf(view), structuredOf(applyPolicy(call, defaults)));
  });

  test('transcript link off withholds the link only', () => {
    const view = applyPolicy(call, { ...defaults, transcriptLink: false });
    assert.equal(view.transcriptUrl, null);
    assert.equal(view.summary, formatSummary(insights.summary));
  });

  test('transcript on sends the redacted turns', () => {
    const view = applyPolicy(call, { ...defaults, transcript: true });
    assert.deepEqual(view.transcript, call.transcript);
  });

  test('an empty transcript is sent as none', () => {
    assert.equal(applyPolicy(snapshot({ transcript: [] }), { ...defaults, transcript: true }).transcript, null);
  });

  test('recording link on sends the recording link', () => {
    assert.equal(applyPolicy(call, { ...defaults, recordingLink: true }).recordingUrl, call.recordingUrl);
  });

  const everything: SyncPolicy = { summary: true, transcriptLink: true, transcript: true, recordingLink: true, metadataOnly: false };

  test('metadata-only sends no text and no link to it, even with every switch on, and keeps every structured field', () => {
    const view = applyPolicy(call, { ...everything, metadataOnly: true });
    for (const field of textFields) assert.equal(view[field], null, `${field} must be withheld in metadata-only mode`);
    assert.deepEqual(structuredOf(view), structuredOf(applyPolicy(call, everything)));
  });

  test('without consent no text is sent, whatever the policy', () => {
    const view = applyPolicy(snapshot({ consent: false }), everything);
    for (const field of textFields) assert.equal(view[field], null, `${field} must be withheld without consent`);
    assert.equal(view.consent, false);
    assert.equal(view.disposition, 'appointment_booked');
    assert.equal(view.fromPhone, '+14155550123');
    assert.equal(view.durationSeconds, 192);
  });

  test('a call without analysis still carries caller, phones, duration and no invented values', () => {
    const view = applyPolicy(snapshot({ insights: null, analysisSource: null }), everything);
    assert.equal(view.callerName, null);
    assert.equal(view.callerNameConfidence, null);
    assert.equal(view.intent, null);
    assert.equal(view.disposition, null);
    assert.deepEqual(view.tags, []);
    assert.equal(view.summary, null);
    assert.equal(view.qualificationNotes, null);
    assert.equal(view.nextAction, null);
    assert.equal(view.fromPhone, '+14155550123');
    assert.equal(view.durationSeconds, 192);
  });

  test('policyFor applies a per-agent override', () => {
    const file = RelayFile.parse({ integrations: { salesforce: { agents: { 'night-line': { metadataOnly: true } } } } });
    const sf = file.integrations.salesforce;
    assert.deepEqual(policyFor(sf, 'front-desk'), defaults);
    assert.deepEqual(policyFor(sf, 'night-line'), { ...defaults, metadataOnly: true });
    const view = applyPolicy(snapshot({ agentId: 'night-line' }), policyFor(sf, 'night-line'));
    assert.equal(view.summary, null);
    assert.equal(view.transcriptUrl, null);
    assert.equal(view.disposition, 'appointment_booked');
  });

  // Fails today: the override schema in config.ts (SyncPolicy.partial()) still fills in
  // defaults, so an agent override resets the integration's own switches.
  test('a per-agent override changes only the switches it names', () => {
    const file = RelayFile.parse({
      integrations: { salesforce: { policy: { transcript: true }, agents: { 'night-line': { recordingLink: true } } } },
    });
    assert.deepEqual(policyFor(file.integrations.salesforce, 'night-line'), { ...defaults, transcript: true, recordingLink: true });
  });
});
