// Vapi's end-of-call-report server message. Vapi signs with an HMAC credential:
// X-Vapi-Signature = hex HMAC-SHA256(secret, raw body). Other server messages are acknowledged
// and ignored: the end-of-call report carries everything a CRM needs.
import { z } from 'zod';
import type { Speaker } from '../calls/model.ts';
import { parseOr400, type IngestEvent } from './event.ts';
import { durationBetween } from './generic.ts';
import { hmacSha256, safeEqual } from './hmac.ts';
import { callTime, offsetSeconds, safeUrl } from './limits.ts';

export function verifyVapi(secret: string, signature: string | undefined, rawBody: Buffer): boolean {
  return !!signature && safeEqual(hmacSha256(secret, rawBody), signature.replace(/^sha256=/, ''));
}

const Message = z.object({
  role: z.string(),
  message: z.string().optional(),
  secondsFromStart: offsetSeconds.optional(),
});

const EndOfCallReport = z.object({
  message: z.object({
    type: z.literal('end-of-call-report'),
    endedReason: z.string().optional(),
    startedAt: callTime.optional(),
    endedAt: callTime.optional(),
    durationSeconds: offsetSeconds.optional(),
    recordingUrl: safeUrl.optional(),
    call: z.object({
      id: z.string().min(1).max(64),
      type: z.string().optional(),
      assistantId: z.string().optional(),
      customer: z.object({ number: z.string().optional(), name: z.string().optional() }).optional(),
      phoneNumber: z.object({ number: z.string().optional() }).optional(),
    }),
    artifact: z
      .object({
        messages: z.array(Message).optional(),
        recordingUrl: safeUrl.optional(),
      })
      .optional(),
    analysis: z
      .object({
        summary: z.string().optional(),
        structuredData: z.record(z.string(), z.unknown()).optional(),
        successEvaluation: z.unknown().optional(),
      })
      .optional(),
  }),
});

/** Returns null for server messages other than the end-of-call report. */
export function parseVapi(body: unknown): IngestEvent | null {
  const type = (body as { message?: { type?: unknown } } | null)?.message?.type;
  if (type !== 'end-of-call-report') return null;
  const report = parseOr400(EndOfCallReport, body, 'Vapi end-of-call-report').message;
  const outbound = report.call.type === 'outboundPhoneCall';
  const customer = report.call.customer?.number ?? null;
  const ours = report.call.phoneNumber?.number ?? null;
  const transcript = (report.artifact?.messages ?? [])
    .filter((m) => (m.role === 'user' || m.role === 'bot' || m.role === 'assistant') && m.message)
    .map((m) => ({
      speaker: (m.role === 'user' ? 'caller' : 'agent') as Speaker,
      text: m.message ?? '',
      startMs: m.secondsFromStart === undefined ? null : Math.round(m.secondsFromStart * 1000),
    }));
  const noAnswer = /no-answer|busy|failed/.test(report.endedReason ?? '');
  return {
    callId: report.call.id,
    provider: 'vapi',
    event: 'report:end-of-call',
    sequence: '0',
    call: {
      agentId: report.call.assistantId ?? null,
      direction: outbound ? 'outbound' : 'inbound',
      from: outbound ? ours : customer,
      to: outbound ? customer : ours,
      status: noAnswer ? 'no-answer' : 'completed',
      startedAt: report.startedAt ?? null,
      endedAt: report.endedAt ?? null,
      durationSeconds: report.durationSeconds !== undefined ? Math.round(report.durationSeconds) : durationBetween(report.startedAt, report.endedAt),
      recordingUrl: report.artifact?.recordingUrl ?? report.recordingUrl ?? null,
      transcriptDone: true,
      recordingDone: true,
    },
    transcript,
    vendor: {
      summary: report.analysis?.summary ?? null,
      data: {
        endedReason: report.endedReason ?? null,
        structuredData: report.analysis?.structuredData ?? null,
        successEvaluation: report.analysis?.successEvaluation ?? null,
      },
    },
  };
}
