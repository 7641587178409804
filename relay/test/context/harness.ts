// A relay with caller context on, its Salesforce org and model as local servers, and signed
// requests from each platform made the way the platform makes them (Vapi's HMAC credential,
// Retell's X-Retell-Signature, twilio's own request signing).
import twilio from 'twilio';
import { hmacSha256 } from '../../src/ingest/hmac.ts';
import { signRetell } from '../../src/ingest/retell.ts';
import type { GenericCall } from '../../src/ingest/generic.ts';
import { startOpenAiServer, type ChatRequest, type OpenAiServer } from '../support/openai-server.ts';
import { postCall, relayEnv, startRelay, waitFor, type RelayEnv } from '../support/relay-harness.ts';
import { startSalesforceServer, type SalesforceServer } from '../support/salesforce-server.ts';
import type { Relay } from '../../src/pipeline.ts';

export const VAPI_SECRET = 'vapi-credential-secret-0123456789';
export const RETELL_KEY = 'key_retell_webhook_badge_0123456789';
export const TWILIO_TOKEN = 'harness-twilio-token-0123456789ab';

/** The "model": names the caller from "it's First Last" with 0.95 confidence, as a model would. */
function insights(request: ChatRequest): Record<string, unknown> {
  const text = request.messages.find((m) => m.role === 'user')?.content ?? '';
  const callerLines = text.split('\n').filter((l) => l.startsWith('Caller:')).join('\n');
  const name = callerLines.match(/it's ((?:\[NAME_\d+\])|(?:[A-Z][a-z]+ [A-Z][a-z]+))/)?.[1] ?? null;
  return {
    callerName: name,
    callerNameConfidence: name ? 0.95 : 0,
    callerEmail: null,
    intent: 'book_appointment',
    intentConfidence: 0.9,
    disposition: 'appointment_booked',
    dispositionConfidence: 0.9,
    summary: { asked: `${name ?? 'The caller'} asked to book a cleaning.`, said: 'The agent booked it for Thursday.', nextStep: 'Cleaning on Thursday.' },
    nextAction: 'Send the new-patient form',
    nextActionDue: '2026-12-03T09:00:00.000Z',
    tags: [],
    pipelineStage: 'appointment_set',
    appointmentTime: null,
    qualificationNotes: null,
  };
}

export type ContextHarness = { relay: Relay; url: string; org: SalesforceServer; model: OpenAiServer; setup: RelayEnv; close(): Promise<void> };

export async function startContextRelay(callerContext: Record<string, unknown>, extra: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<ContextHarness> {
  const org = await startSalesforceServer({ clientId: 'sf-client', clientSecret: 'sf-secret' });
  const model = await startOpenAiServer((request) => ({ content: JSON.stringify(insights(request)) }));
  const setup = relayEnv(
    { finalisation: { graceSeconds: 0 }, callerContext, ...extra },
    {
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      VAPI_WEBHOOK_SECRET: VAPI_SECRET,
      RETELL_API_KEY: RETELL_KEY,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${model.url}/v1`,
      SF_CLIENT_ID: 'sf-client',
      SF_CLIENT_SECRET: 'sf-secret',
      SF_LOGIN_URL: org.url,
      ...env,
    },
  );
  const { relay, url } = await startRelay(setup);
  return {
    relay,
    url,
    org,
    model,
    setup,
    async close() {
      await relay.stop();
      await org.close();
      await model.close();
      await setup.cleanup();
    },
  };
}

/** A finished call from `from`, `daysAgo` days ago, analysed before this returns. */
export async function pastCall(h: ContextHarness, from: string, options: { daysAgo?: number; consent?: boolean | null; agentId?: string; callId?: string } = {}): Promise<string> {
  const ended = Date.now() - (options.daysAgo ?? 1) * 86_400_000;
  const call: GenericCall = {
    callId: options.callId ?? `ctx-${Math.random().toString(36).slice(2, 10)}`,
    agentId: options.agentId ?? 'front-desk',
    direction: 'inbound',
    from,
    to: '+18005550199',
    startedAt: new Date(ended - 120_000).toISOString(),
    endedAt: new Date(ended).toISOString(),
    status: 'completed',
    consent: options.consent ?? null,
    transcript: [
      { speaker: 'agent', text: 'Bright Smile Dental, how can I help?' },
      { speaker: 'caller', text: "Hi, it's Maria Gonzalez, I'd like to book a cleaning." },
      { speaker: 'agent', text: 'You are booked for Thursday at 3.' },
    ],
  } as GenericCall;
  const res = await postCall(h.url, call);
  if (res.status !== 200) throw new Error(`call refused: ${res.status} ${await res.text()}`);
  await waitFor(`call ${call.callId} analysed`, async () => (await h.relay.store.get(call.callId))?.stage === 'analysed');
  return call.callId;
}

export type Answer = { status: number; ms: number; text: string; json: () => any };

async function send(url: string, init: RequestInit): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, ms: performance.now() - started, text, json: () => JSON.parse(text) };
}

export function vapi(h: ContextHarness, message: unknown, secret = VAPI_SECRET): Promise<Answer> {
  const body = JSON.stringify(message);
  return send(`${h.url}/webhooks/vapi`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-vapi-signature': hmacSha256(secret, body) }, body });
}

export function retell(h: ContextHarness, message: unknown, key = RETELL_KEY): Promise<Answer> {
  const body = JSON.stringify(message);
  return send(`${h.url}/webhooks/retell`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-retell-signature': signRetell(key, body) }, body });
}

export function twilioIncoming(h: ContextHarness, params: Record<string, string>, query = '', token = TWILIO_TOKEN): Promise<Answer> {
  const url = `${h.url}/webhooks/twilio/incoming${query}`;
  return send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, url, params) },
    body: new URLSearchParams(params).toString(),
  });
}

export const assistantRequest = (customer: string, callId = 'vapi-call-1') => ({
  message: { type: 'assistant-request', call: { id: callId, type: 'inboundPhoneCall' }, phoneNumber: { number: '+18005550199' }, customer: { number: customer } },
});

export const callInbound = (from: string) => ({ event: 'call_inbound', call_inbound: { agent_id: 'agent_front', from_number: from, to_number: '+18005550199' } });

export const incoming = (from: string) => ({ AccountSid: `AC${'a'.repeat(32)}`, CallSid: `CA${'b'.repeat(32)}`, From: from, To: '+18005550199', Direction: 'inbound' });

/** The <Parameter>s of a ConversationRelay TwiML answer. */
export function parameters(twiml: string): Record<string, string> {
  const unescape = (v: string) => v.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return Object.fromEntries([...twiml.matchAll(/<Parameter name="([^"]*)" value="([^"]*)"\/>/g)].map((m) => [unescape(m[1]!), unescape(m[2]!)]));
}
