import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RelayFile } from '../../src/config.ts';
import { consentDecision, consentFor, recordingVisible } from '../../src/privacy/consent.ts';
import { purgeDue, retentionCutoff } from '../../src/privacy/retention.ts';

describe('consent', () => {
  it('keeps text only with consent where it is required, and honours a refusal everywhere', () => {
    assert.deepEqual(consentDecision(true, true), { keepText: true, reason: 'consented' });
    assert.deepEqual(consentDecision(true, null), { keepText: false, reason: 'required_missing' });
    assert.deepEqual(consentDecision(true, false), { keepText: false, reason: 'refused' });
    assert.deepEqual(consentDecision(false, null), { keepText: true, reason: 'not_required' });
    assert.deepEqual(consentDecision(false, false), { keepText: false, reason: 'refused' });
  });

  it('reads requireConsent per agent and shows the recording only when a CRM policy shares it', () => {
    const file = RelayFile.parse({
      agents: { billing: { requireConsent: true } },
      integrations: { hubspot: { policy: { recordingLink: true } }, salesforce: { policy: { recordingLink: false } } },
    });
    assert.equal(consentFor(file, 'billing', null).keepText, false);
    assert.equal(consentFor(file, 'front', null).keepText, true);
    assert.equal(recordingVisible(file, 'front', null), true);
    assert.equal(recordingVisible(file, 'billing', null), false);
    assert.equal(recordingVisible(file, 'billing', true), true);
    const noRecording = RelayFile.parse({ integrations: { hubspot: { enabled: false, policy: { recordingLink: true } } } });
    assert.equal(recordingVisible(noRecording, 'front', true), false);
    const metadataOnly = RelayFile.parse({ integrations: { hubspot: { policy: { recordingLink: true }, agents: { front: { metadataOnly: true } } } } });
    assert.equal(recordingVisible(metadataOnly, 'front', true), false);
  });
});

describe('retention decision', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const cutoff = retentionCutoff(now, 90);
  const day = 86_400_000;
  const call = (endedDaysAgo: number | null, createdDaysAgo: number, extra: Partial<{ stage: string; purgedAt: Date }> = {}) => ({
    endedAt: endedDaysAgo === null ? null : new Date(now.getTime() - endedDaysAgo * day),
    createdAt: new Date(now.getTime() - createdDaysAgo * day),
    stage: extra.stage ?? 'analysed',
    purgedAt: extra.purgedAt ?? null,
  });

  it('purges calls that ended more than transcriptDays ago, measured from the end', () => {
    assert.equal(cutoff.toISOString(), '2026-03-03T00:00:00.000Z');
    assert.equal(purgeDue(call(91, 91), cutoff), true);
    assert.equal(purgeDue(call(89, 120), cutoff), false, 'ended recently though created long ago');
    assert.equal(purgeDue(call(null, 91), cutoff), true, 'never ended: measured from creation');
    assert.equal(purgeDue(call(null, 10), cutoff), false);
  });

  it('leaves deleted and already purged calls alone', () => {
    assert.equal(purgeDue(call(200, 200, { stage: 'deleted' }), cutoff), false);
    assert.equal(purgeDue(call(200, 200, { purgedAt: new Date() }), cutoff), false);
  });
});
