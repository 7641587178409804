import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RelayFile } from '../../src/config.ts';
import { applyPolicy } from '../../src/sync/policy.ts';
import {
  callBody,
  leadStatusFor,
  lifecycleUpgrade,
  mayCreateContact,
  needsFollowUp,
  newContactProperties,
  taskProperties,
} from '../../src/sync/hubspot/records.ts';
import type { CallSnapshot } from '../../src/sync/snapshot.ts';
import { snapshot } from '../sync/fixtures.ts';

const policy = RelayFile.parse({}).integrations.hubspot.policy;
const view = (insights: Partial<NonNullable<CallSnapshot['insights']>> = {}, overrides: Partial<CallSnapshot> = {}) =>
  applyPolicy(snapshot({ insights: { ...snapshot().insights!, ...insights }, ...overrides }), policy);

describe('what HubSpot receives for a call', () => {
  it('escapes what callers said before it goes into HTML bodies', () => {
    const body = callBody(view({ summary: { asked: '<script>alert(1)</script>', said: 'a & b', nextStep: 'None' } }));
    assert.doesNotMatch(body, /<script>/);
    assert.match(body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(body, /a &amp; b/);
  });

  it('names a new contact only when the analysis is at least 80% sure', () => {
    assert.equal(newContactProperties(view({ callerName: 'Ana Lopez Diaz', callerNameConfidence: 0.8 }), '+1').lastname, 'Lopez Diaz');
    const unsure = newContactProperties(view({ callerName: 'Ana Lopez', callerNameConfidence: 0.79 }), '+1');
    assert.equal(unsure.firstname, undefined);
    assert.equal(unsure.lastname, undefined);
  });

  it('moves the lifecycle stage forward only, and leaves stages it cannot place alone', () => {
    assert.equal(lifecycleUpgrade(null, 'lead'), 'lead');
    assert.equal(lifecycleUpgrade('lead', 'opportunity'), 'opportunity');
    assert.equal(lifecycleUpgrade('customer', 'lead'), null);
    assert.equal(lifecycleUpgrade('opportunity', 'opportunity'), null);
    assert.equal(lifecycleUpgrade('partner_custom', 'customer'), null);
  });

  it('takes lead status from the pipeline stage first, then from the disposition', () => {
    assert.equal(leadStatusFor(view({ pipelineStage: 'qualified', disposition: 'voicemail' })), 'OPEN_DEAL');
    assert.equal(leadStatusFor(view({ pipelineStage: null, disposition: 'voicemail' })), 'ATTEMPTED_TO_CONTACT');
    assert.equal(leadStatusFor(view({ pipelineStage: 'customer', disposition: 'spam' })), null);
  });

  it('creates a follow-up for a next action or a promised callback, and no contact for spam', () => {
    assert.equal(needsFollowUp(view({ nextAction: null, nextActionDue: null, disposition: 'resolved' })), false);
    assert.equal(needsFollowUp(view({ nextAction: null, nextActionDue: null, disposition: 'callback_requested' })), true);
    assert.equal(mayCreateContact(view({ disposition: 'wrong_number' })), false);
  });

  it('makes a task due a day after the call when no due date was given, high priority when urgent', () => {
    const task = taskProperties(view({ nextActionDue: null, tags: ['urgent'] }), '12');
    assert.equal(task.hs_timestamp, '2026-03-03T15:04:05.000Z');
    assert.equal(task.hs_task_priority, 'HIGH');
    assert.equal(task.hubspot_owner_id, '12');
  });
});
