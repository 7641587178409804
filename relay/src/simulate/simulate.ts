// Replays synthetic calls against a running relay exactly as Twilio delivers them: form-encoded,
// signed with X-Twilio-Signature, with duplicates, out-of-order status callbacks and transcripts
// that arrive after `completed`.
import { randomBytes } from 'node:crypto';
// The SDK's webhook module alone: the whole SDK takes the better part of a second to load.
import twilio from 'twilio/lib/webhooks/webhooks.js';
import { scenarios, type Scenario } from './scenarios.ts';

export type SimulateOptions = {
  /** Where to send requests (the relay's address). */
  url: string;
  /** The URL Twilio would sign: PUBLIC_URL when the relay sits behind a proxy. */
  signedUrl?: string;
  authToken: string;
  calls: number;
  /** The AI receptionist's number (To). */
  agentNumber?: string;
};

type Delivery = { path: string; params: Record<string, string> };

const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');

function deliveries(scenario: Scenario, callSid: string, accountSid: string, agentNumber: string, start: Date): Delivery[] {
  const base = { AccountSid: accountSid, CallSid: callSid };
  const at = (s: number) => new Date(start.getTime() + s * 1000).toUTCString();
  const status = (CallStatus: string, seq: number, s: number, extra: Record<string, string> = {}): Delivery => ({
    path: '/webhooks/twilio/voice',
    params: { ...base, CallStatus, From: scenario.from, To: agentNumber, Direction: 'inbound', Timestamp: at(s), SequenceNumber: String(seq), CallbackSource: 'call-progress-events', ...extra },
  });
  const transcript = (TranscriptionEvent: string, SequenceId: number, extra: Record<string, string> = {}): Delivery => ({
    path: '/webhooks/twilio/transcription',
    params: { ...base, TranscriptionSid: `GT${callSid.slice(2)}`, TranscriptionEvent, SequenceId: String(SequenceId), Timestamp: start.toISOString(), ...extra },
  });
  const list: Delivery[] = [
    status('initiated', 0, 0),
    status('ringing', 1, 1),
    status('in-progress', 2, 2),
    transcript('transcription-started', 1),
  ];
  const utterances = scenario.lines.map(([speaker, text], i) =>
    transcript('transcription-content', i + 2, {
      // Spread the utterances over the call, as Twilio stamps each when it was heard.
      Timestamp: new Date(start.getTime() + Math.round(((i + 0.5) / scenario.lines.length) * scenario.durationSeconds * 1000)).toISOString(),
      Track: speaker === 'caller' ? 'inbound_track' : 'outbound_track',
      TranscriptionData: JSON.stringify({ transcript: text, confidence: 0.92 }),
      Final: 'true',
    }),
  );
  // The last two utterances and the stop event arrive after `completed`, as they do when
  // transcription lags the call.
  list.push(...utterances.slice(0, -2));
  list.push(status('completed', 3, scenario.durationSeconds, { CallDuration: String(scenario.durationSeconds) }));
  list.push(...utterances.slice(-2), transcript('transcription-stopped', scenario.lines.length + 2));
  if (scenario.recorded) {
    const recordingSid = sid('RE');
    list.push({
      path: '/webhooks/twilio/recording',
      params: { ...base, RecordingSid: recordingSid, RecordingStatus: 'completed', RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Recordings/${recordingSid}`, RecordingDuration: String(scenario.durationSeconds) },
    });
  } else {
    list.push({ path: '/webhooks/twilio/recording', params: { ...base, RecordingSid: sid('RE'), RecordingStatus: 'absent' } });
  }
  // Twilio retries: deliver a few callbacks twice, and swap two status callbacks.
  list.push(list[2]!, list[list.length - 1]!);
  [list[1], list[2]] = [list[2]!, list[1]!];
  return list;
}

export async function send(url: string, signedUrl: string, authToken: string, params: Record<string, string>): Promise<Response> {
  const signature = twilio.getExpectedTwilioSignature(authToken, signedUrl, params);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

export async function simulate(options: SimulateOptions): Promise<{ callSids: string[]; requests: number; failures: number }> {
  const accountSid = sid('AC');
  const agentNumber = options.agentNumber ?? '+18005550199';
  const callSids: string[] = [];
  let requests = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: options.calls }, async (_, i) => {
      const scenario = scenarios[i % scenarios.length]!;
      const callSid = sid('CA');
      callSids.push(callSid);
      for (const d of deliveries(scenario, callSid, accountSid, agentNumber, new Date(Date.now() - scenario.durationSeconds * 1000))) {
        const res = await send(options.url.replace(/\/$/, '') + d.path, (options.signedUrl ?? options.url).replace(/\/$/, '') + d.path, options.authToken, d.params);
        requests += 1;
        if (!res.ok) failures += 1;
        await res.arrayBuffer();
      }
    }),
  );
  return { callSids, requests, failures };
}
