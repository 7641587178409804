// Retell's call_analyzed webhook. Retell signs with the API key that has the webhook badge:
// X-Retell-Signature: v=<unix ms>,d=<hex HMAC-SHA256(api key, raw body + timestamp)>.
// call_started / call_ended are acknowledged and ignored: call_analyzed carries everything.
import { z } from 'zod';
import type { Speaker } from '../calls/model.ts';
import { parseOr400, type IngestEvent } from './event.ts';
import { hmacSha256, safeEqual, SIGNATURE_WINDOW_MS } from './hmac.ts';
import { epochMs, offsetSeconds, safeUrl } from './limits.ts';

export function signRetell(apiKey: string, rawBody: string, now = Date.now()): string {
  return `v=${now},d=${hmacSha256(apiKey, rawBody + now)}`;
}

export function verifyRetell(apiKey: string, header: string | undefined, rawBody: Buffer, now = Date.now()): boolean {
  const match = header?.match(/^v=(\d+),d=([0-9a-f]+)$/);
  if (!match?.[1] || !match[2]) return false;
  const t = Number(match[1]);
  if (Math.abs(now - t) > SIGNATURE_WINDOW_MS) return false;
  return safeEqual(hmacSha256(apiKey, Buffer.concat([rawBody, Buffer.from(match[1])])), match[2]);
}

const CallAnalyzed = z.object({
  event: z.literal('call_analyzed'),
  call: z.object({
    call_id: z.string().min(1).max(64),
    agent_id: z.string().optional(),
    direction: z.enum(['inbound', 'outbound']).optional(),
    from_number: z.string().optional(),
    to_number: z.string().optional(),
    call_status: z.string().optional(),
    start_timestamp: epochMs.optional(),
    end_timestamp: epochMs.optional(),
    disconnection_reason: z.string().optional(),
    recording_url: safeUrl.optional(),
    transcript_object: z
      .array(z.object({ role: z.string(), content: z.string(), words: z.array(z.object({ start: offsetSeconds.optional() })).optional() }))
      .optional(),
    call_analysis: z
      .object({
        call_summary: z.string().optional(),
        user_sentiment: z.string().optional(),
        call_successful: z.boolean().optional(),
        in_voicemail: z.boolean().optional(),
        custom_analysis_data: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
  }),
});

export function parseRetell(body: unknown): IngestEvent | null {
  if ((body as { event?: unknown } | null)?.event !== 'call_analyzed') return null;
  const call = parseOr400(CallAnalyzed, body, 'Retell call_analyzed').call;
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  const transcript = (call.transcript_object ?? []).map((t) => {
    const start = t.words?.[0]?.start;
    return { speaker: (t.role === 'user' ? 'caller' : 'agent') as Speaker, text: t.content, startMs: start === undefined ? null : Math.round(start * 1000) };
  });
  const notConnected = call.call_status === 'error' || /dial_(failed|no_answer|busy)/.test(call.disconnection_reason ?? '');
  return {
    callId: call.call_id,
    provider: 'retell',
    event: 'report:call_analyzed',
    sequence: '0',
    call: {
      agentId: call.agent_id ?? null,
      direction: call.direction ?? 'inbound',
      from: call.from_number ?? null,
      to: call.to_number ?? null,
      status: notConnected ? 'no-answer' : 'completed',
      startedAt: iso(call.start_timestamp),
      endedAt: iso(call.end_timestamp),
      durationSeconds: call.start_timestamp && call.end_timestamp ? Math.max(0, Math.round((call.end_timestamp - call.start_timestamp) / 1000)) : null,
      recordingUrl: call.recording_url ?? null,
      transcriptDone: true,
      recordingDone: true,
    },
    transcript,
    vendor: {
      summary: call.call_analysis?.call_summary ?? null,
      data: {
        disconnectionReason: call.disconnection_reason ?? null,
        userSentiment: call.call_analysis?.user_sentiment ?? null,
        callSuccessful: call.call_analysis?.call_successful ?? null,
        inVoicemail: call.call_analysis?.in_voicemail ?? null,
        custom: call.call_analysis?.custom_analysis_data ?? null,
      },
    },
  };
}
