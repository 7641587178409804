// Sends webhooks to a relay signed as each platform signs them, with any body: the hostile-input
// tests need bodies no adapter would build (out-of-range numbers, lone surrogates, deep nesting).
// Twilio signatures come from the twilio SDK; the others are the documented HMACs, made with the
// relay's own signing helpers (the same ones the platform tests check against fixed examples).
import { createHash } from 'node:crypto';
import twilio from 'twilio';
import { signGeneric } from '../../src/ingest/generic.ts';
import { hmacSha256 } from '../../src/ingest/hmac.ts';
import { signRetell } from '../../src/ingest/retell.ts';
import { WEBHOOK_SECRET } from './relay-harness.ts';

export const TWILIO_TOKEN = 'harness-twilio-token-0123456789ab';
export const VAPI_SECRET = 'harness-vapi-secret-0123456789abcd';
export const RETELL_KEY = 'harness-retell-key-0123456789abcde';

/** Environment that turns every webhook route on, for relayEnv(). */
export const ALL_WEBHOOKS_ENV = { TWILIO_AUTH_TOKEN: TWILIO_TOKEN, VAPI_WEBHOOK_SECRET: VAPI_SECRET, RETELL_API_KEY: RETELL_KEY };

export type Adapter = 'twilio-form' | 'twilio-json' | 'generic' | 'vapi' | 'retell';
export const ADAPTERS: Adapter[] = ['twilio-form', 'twilio-json', 'generic', 'vapi', 'retell'];

export type Signed = { path: string; headers: Record<string, string>; body: string };

/**
 * A signed request. Twilio takes form params (an object) or a JSON text; the others a JSON text.
 * `query` is appended to Twilio's URL (e.g. `agent=front-desk`) and signed with it.
 */
export function signed(base: string, adapter: Adapter, body: string | Record<string, string>, options: { twilioKind?: 'voice' | 'recording' | 'transcription'; query?: string } = {}): Signed {
  const text = typeof body === 'string' ? body : new URLSearchParams(body).toString();
  switch (adapter) {
    case 'twilio-form': {
      const path = `/webhooks/twilio/${options.twilioKind ?? 'voice'}${options.query ? `?${options.query}` : ''}`;
      const params = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : body;
      const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, base + path, params);
      return { path, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: text };
    }
    case 'twilio-json': {
      // Twilio signs a JSON body through its SHA-256 in the URL's bodySHA256 parameter.
      const query = [options.query, `bodySHA256=${createHash('sha256').update(text).digest('hex')}`].filter(Boolean).join('&');
      const path = `/webhooks/twilio/${options.twilioKind ?? 'voice'}?${query}`;
      return { path, headers: { 'content-type': 'application/json', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TWILIO_TOKEN, base + path, {}) }, body: text };
    }
    case 'generic':
      return { path: '/webhooks/calls', headers: { 'content-type': 'application/json', 'x-signature': signGeneric(WEBHOOK_SECRET, text) }, body: text };
    case 'vapi':
      return { path: '/webhooks/vapi', headers: { 'content-type': 'application/json', 'x-vapi-signature': hmacSha256(VAPI_SECRET, text) }, body: text };
    case 'retell':
      return { path: '/webhooks/retell', headers: { 'content-type': 'application/json', 'x-retell-signature': signRetell(RETELL_KEY, text) }, body: text };
  }
}

export async function sendSigned(
  base: string,
  adapter: Adapter,
  body: string | Record<string, string>,
  options: Parameters<typeof signed>[3] = {},
): Promise<{ status: number; error: string | undefined; result: string | undefined }> {
  const request = signed(base, adapter, body, options);
  const res = await fetch(base + request.path, { method: 'POST', headers: request.headers, body: request.body });
  const answer = (await res.json().catch(() => ({}))) as { error?: string; result?: string };
  return { status: res.status, error: answer.error, result: answer.result };
}

const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
export const twilioSid = (prefix: string) => prefix + hex(32);

/** An ordinary finished call for each adapter, as that platform sends it; `callId` is the id the relay stores. */
export function ordinaryCall(adapter: Adapter): { callId: string; body: string | Record<string, string> } {
  const ended = Date.now() - 1000;
  const started = ended - 60_000;
  switch (adapter) {
    case 'twilio-form':
    case 'twilio-json': {
      const callId = twilioSid('CA');
      const params = { AccountSid: twilioSid('AC'), CallSid: callId, CallStatus: 'completed', From: '+15615550192', To: '+18005550199', Direction: 'inbound', CallDuration: '60', Timestamp: new Date(ended).toUTCString(), SequenceNumber: '3' };
      return { callId, body: adapter === 'twilio-form' ? params : JSON.stringify(params) };
    }
    case 'generic': {
      const callId = `call-${hex(12)}`;
      return { callId, body: JSON.stringify({ callId, agentId: 'front-desk', from: '+15615550192', to: '+18005550199', startedAt: new Date(started).toISOString(), endedAt: new Date(ended).toISOString(), transcript: [{ speaker: 'caller', text: 'I would like to book a cleaning.' }] }) };
    }
    case 'vapi': {
      const callId = `vapi-${hex(12)}`;
      return {
        callId,
        body: JSON.stringify({
          message: { type: 'end-of-call-report', endedReason: 'customer-ended-call', startedAt: new Date(started).toISOString(), endedAt: new Date(ended).toISOString(), call: { id: callId, type: 'inboundPhoneCall', assistantId: 'asst_1', customer: { number: '+15615550192' } }, artifact: { messages: [{ role: 'user', message: 'Do you open on Saturday?', secondsFromStart: 1.5 }] } },
        }),
      };
    }
    case 'retell': {
      const callId = `retell-${hex(12)}`;
      return { callId, body: JSON.stringify({ event: 'call_analyzed', call: { call_id: callId, agent_id: 'agent_1', from_number: '+15615550192', to_number: '+18005550199', start_timestamp: started, end_timestamp: ended, transcript_object: [{ role: 'user', content: 'Can I move my appointment?' }] } }) };
    }
  }
}
