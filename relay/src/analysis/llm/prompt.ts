// The instructions and the call as the model sees them. The taxonomy's labels and
// descriptions go into the prompt (the schema only carries the values), and the call's start
// time is given so "tomorrow at three" can be turned into a date.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Turn } from '../../calls/model.ts';
import { taxonomy } from '../../taxonomy.ts';

const list = (entries: { value: string; label: string; description?: string }[]) =>
  entries.map((e) => `- ${e.value}: ${e.label}${e.description ? `. ${e.description}` : ''}`).join('\n');

export const SYSTEM_PROMPT = `You analyse phone calls handled by an AI receptionist, for the CRM record of the call.
Return exactly the JSON the schema asks for. Use only the values listed below for intent, disposition, tags and pipelineStage.

Intents (why the caller called):
${list(taxonomy.intents)}

Dispositions (how the call ended):
${list(taxonomy.dispositions)}

Tags (zero or more that clearly apply):
${list(taxonomy.tags)}

Pipeline stages (or null when the call is not a sales or customer conversation):
${list(taxonomy.pipelineStages)}

Rules:
- Personal data in the transcript may be replaced by placeholders such as [NAME_1], [PHONE_2], [EMAIL_1]. Treat each as the value it stands for. If the caller's name or email is a placeholder, put the placeholder itself in callerName or callerEmail, exactly as written.
- "Caller" is the person on the other end of the line; on outbound calls that is the person the business called.
- callerName is the caller's own name, not the agent's and not someone they mention. null when they never gave it. callerNameConfidence reflects how clearly they stated it.
- summary.asked: what the caller asked for; summary.said: what the agent told them or did; summary.nextStep: the agreed next step, or "None". One or two plain sentences each.
- nextAction: a short instruction for the business's staff, or null. nextActionDue and appointmentTime: ISO 8601 date-times resolved against the call start given below (e.g. "tomorrow at 3" is the next day at 15:00 in the call's time zone, written with its offset), or null.
- qualificationNotes: budget, size, timeline, decision-maker or current provider if discussed, else null.
- Confidences are between 0 and 1 and honest: lower them when the transcript is short, garbled or ambiguous.`;

export type PromptCall = {
  direction: string;
  startedAt: string | null;
  turns: Turn[];
  vendorSummary: string | null;
  vendorData: string | null;
};

export function buildMessages(call: PromptCall): ChatCompletionMessageParam[] {
  const transcript = call.turns.length ? call.turns.map((t) => `${t.speaker === 'agent' ? 'Agent' : 'Caller'}: ${t.text}`).join('\n') : '(no speech was transcribed)';
  const parts = [
    `Call direction: ${call.direction}`,
    `Call started: ${call.startedAt ?? 'unknown'}`,
    call.vendorSummary ? `The voice platform's own summary: ${call.vendorSummary}` : null,
    call.vendorData ? `The voice platform's own analysis data: ${call.vendorData}` : null,
    `Transcript:\n${transcript}`,
  ];
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: parts.filter((p) => p !== null).join('\n\n') },
  ];
}
