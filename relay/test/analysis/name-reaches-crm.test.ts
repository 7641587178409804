// A default install (no model key, the offline analyser) hands a caller's clearly given name to
// Salesforce with a confidence at or above the subscriber's default threshold (0.8, in
// force-app/main/default/classes/CallSyncSettings.cls), so a new Lead gets the name instead of
// "Unknown caller". Webhook in, the whole relay, the local org's publish endpoint out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSalesforceServer, type SalesforceServer } from '../support/salesforce-server.ts';
import { postCall, relayEnv, startRelay, waitFor, type RelayEnv } from '../support/relay-harness.ts';

const CLIENT_ID = '3MVG9name.test';
const CLIENT_SECRET = 'name-test-secret';
const SUBSCRIBER_THRESHOLD = 0.8;

describe('caller name on a default install', () => {
  let server: SalesforceServer;
  let setup: RelayEnv;
  before(async () => {
    server = await startSalesforceServer({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    setup = relayEnv({ finalisation: { graceSeconds: 0 } }, { SF_LOGIN_URL: server.url, SF_CLIENT_ID: CLIENT_ID, SF_CLIENT_SECRET: CLIENT_SECRET });
  });
  after(async () => {
    await server.close();
    await setup.cleanup();
  });

  it('publishes the name the caller said clearly with a confidence the subscriber writes to a new Lead', async () => {
    const published: Record<string, unknown>[] = [];
    server.onPublishBody = (_path, body) => published.push(...((body as { records?: Record<string, unknown>[] }).records ?? []));
    const { relay, url } = await startRelay(setup);
    try {
      const ended = Date.now() - 1000;
      const answer = await postCall(url, {
        callId: 'CAnamed',
        agentId: 'front-desk',
        from: '+15615550142',
        to: '+18005550199',
        startedAt: new Date(ended - 90_000).toISOString(),
        endedAt: new Date(ended).toISOString(),
        transcript: [
          { speaker: 'agent', text: 'Thanks for calling Bright Smile Dental, how can I help you today?' },
          { speaker: 'caller', text: "Hi, my name is Maria Gonzalez. I'd like to book a cleaning, I'm a new patient." },
          { speaker: 'agent', text: 'Happy to help, Maria. I have Thursday at 10 or Friday at 2.' },
          { speaker: 'caller', text: 'Thursday at 10 works.' },
          { speaker: 'agent', text: "You're all set for Thursday at 10 am. See you then!" },
        ],
      });
      assert.equal(answer.status, 200);
      await waitFor('the call published', () => published.some((r) => r.Call_Id__c === 'CAnamed'));
      const event = published.find((r) => r.Call_Id__c === 'CAnamed')!;
      assert.equal(event.Caller_Name__c, 'Maria Gonzalez');
      assert.ok(Number(event.Caller_Name_Confidence__c) >= SUBSCRIBER_THRESHOLD, `confidence ${event.Caller_Name_Confidence__c} reaches the subscriber's threshold`);
    } finally {
      await relay.stop();
    }
  });
});
