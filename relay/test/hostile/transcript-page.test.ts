// The transcript page needs no sign-in, so everything on it is redacted: summary, next action and
// notes as well as the transcript. And it never plays or links a recording that is not https.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Relay } from '../../src/pipeline.ts';
import { atRest } from '../../src/privacy/at-rest.ts';
import { insightsFor, seedCall } from '../privacy/seed.ts';
import { relayEnv, startRelay, type RelayEnv } from '../support/relay-harness.ts';

describe('the transcript page', () => {
  let setup: RelayEnv;
  let relay: Relay;
  let url: string;

  before(async () => {
    // Recording links shared, so the page would play one.
    setup = relayEnv({ integrations: { salesforce: { policy: { recordingLink: true } } } });
    ({ relay, url } = await startRelay(setup));
  });
  after(async () => {
    await relay.stop();
    await setup.cleanup();
  });

  it('shows only redacted text, the insights included', async () => {
    const base = insightsFor('Rosalind Quayle');
    const insights = {
      ...base,
      callerEmail: 'rosalind.quayle@example.com',
      summary: { asked: 'Rosalind Quayle asked about an invoice.', said: 'Told rosalind.quayle@example.com the charge.', nextStep: 'Call Rosalind back on 561-555-0192.' },
      nextAction: 'Email Quayle at rosalind.quayle@example.com',
      qualificationNotes: 'Rosalind prefers mornings; her number is (561) 555-0192.',
    };
    await seedCall(relay.db, relay.store, { callId: 'CApage', words: 'I have a question about my bill.', insights });
    const res = await fetch(`${url}/t/${relay.protection.links.sign('CApage')}`);
    assert.equal(res.status, 200);
    const page = await res.text();
    for (const secret of ['Rosalind', 'Quayle', 'rosalind.quayle', '555-0192', '555) 555']) assert.ok(!page.includes(secret), `the page shows ${secret}`);
    assert.match(page, /\[NAME\] asked about an invoice/);
    assert.match(page, /I have a question about my bill/);
    assert.ok(page.includes('recordings.example.com/CApage.mp3'), 'an https recording is played');
  });

  it('never puts a stored recording link that is not https in the page', async () => {
    await seedCall(relay.db, relay.store, { callId: 'CAscript', words: 'Hello there.' });
    const fields = atRest(relay.db);
    await relay.db.query('update calls set recording_url = $2 where id = $1', ['CAscript', fields.text('javascript:alert(document.cookie)')]);
    const page = await (await fetch(`${url}/t/${relay.protection.links.sign('CAscript')}`)).text();
    assert.ok(!page.includes('javascript:'), 'no javascript: link');
  });
});
