// What happens after the call: the next action and when it is due, the appointment time when
// one was booked, the taxonomy tags and the pipeline stage. Dates come from what was said
// ("tomorrow at three"), resolved against the call's start.
import type { Turn } from '../../calls/model.ts';
import type { Disposition, Intent, PipelineStage, Tag } from '../../taxonomy.ts';
import { nextBusinessDay, resolveWhen } from './dates.ts';

export type FollowUp = { nextAction: string | null; nextActionDue: string | null; appointmentTime: string | null };

const TAG_CUES: [Tag, RegExp][] = [
  ['urgent', /\b(urgent|urgently|asap|as soon as possible|right away|immediately|today if possible|emergency|can'?t wait)\b/],
  ['emergency', /\b(emergency|flood(ing|ed)?|burst pipe|gas (leak|smell)|smell (of )?gas|bleeding|severe pain|can'?t breathe|no heat|sparking|smoke|fire|swollen|knocked out)\b/],
  ['pricing', /\b(price|prices|pricing|cost|costs|quote|how much|\$\d|dollars|rate|rates|fee|estimate)\b/],
  ['insurance', /\b(insurance|insured|copay|co-pay|deductible|coverage|covered|in-network|out of network|aetna|cigna|humana|blue cross|medicare|medicaid|united ?healthcare|delta dental)\b/],
  ['after_hours', /\b(after hours|after-hours|office is closed|we'?re closed|closed for the (day|night|weekend)|outside (of )?(business|office) hours|overnight)\b/],
  ['callback', /\b(call (you|me) back|callback|call-back|return your call|get back to you|(will|'ll) (call|reach out to) you)\b/],
  ['competitor_mentioned', /\b(competitor|another company|other company|different company|someone else quoted|(got|had) a quote from|cheaper (elsewhere|somewhere)|(currently|already) (with|using)|switch(ing)? from|the other guys|going with (someone|another))\b/],
  ['new_caller', /\b(first time|never (been|called|used)|new (patient|customer|client)|haven'?t (been|used) (there|you) before)\b/],
  ['returning_caller', /\b(called (yesterday|earlier|last week|before|again)|calling (back|again)|existing (customer|patient|client)|i'?m a (patient|customer|client)|been (a customer|coming)|my account|last time|as usual|regular)\b/],
  ['non_english', /\b(habla|español|espanol|spanish|no english|no hablo|translator|interpreter|hola|gracias|por favor|bonjour|parlez)\b/],
];

export function tagsFor(turns: Turn[], disposition: Disposition): Tag[] {
  const said = turns.map((t) => t.text.toLowerCase()).join('\n');
  const tags = new Set<Tag>(TAG_CUES.filter(([, pattern]) => pattern.test(said)).map(([tag]) => tag));
  if (disposition === 'callback_requested') tags.add('callback');
  if (tags.has('new_caller')) tags.delete('returning_caller');
  return [...tags];
}

export function pipelineStageFor(intent: Intent, disposition: Disposition, tags: Tag[]): PipelineStage | null {
  if (disposition === 'spam' || disposition === 'wrong_number' || intent === 'spam' || intent === 'wrong_number') return null;
  if (disposition === 'appointment_booked') return 'appointment_set';
  if (disposition === 'qualified') return 'qualified';
  if (disposition === 'not_interested') return 'unqualified';
  if (tags.includes('returning_caller') || ['support_request', 'billing_question', 'order_status', 'reschedule_appointment'].includes(intent)) return 'customer';
  if (disposition === 'voicemail' || disposition === 'abandoned') return 'new_inquiry';
  if (disposition === 'resolved' || disposition === 'transferred') return 'contacted';
  return 'new_inquiry';
}

/** The agreed day and time in the turns around a cue: the latest mention with a time, else with a day. */
function whenNear(turns: Turn[], from: number, reference: Date): ReturnType<typeof resolveWhen> {
  // The agent's confirmation usually repeats the agreed time; earlier turns hold proposals.
  let dayOnly: ReturnType<typeof resolveWhen> = null;
  for (let i = Math.min(turns.length - 1, from + 1); i >= Math.max(0, from - 3); i--) {
    const when = resolveWhen(turns[i]!.text, reference);
    if (when?.hasTime) return when;
    dayOnly ??= when;
  }
  return dayOnly;
}

export function followUpFor(
  turns: Turn[],
  disposition: Disposition,
  evidenceTurn: number | null,
  reference: Date,
  subject: string | null,
  callbackNumber: string | null,
): FollowUp {
  const around = evidenceTurn ?? turns.length - 1;
  const who = subject ? ` ${subject}` : ' the caller';
  const on = callbackNumber ? ` on ${callbackNumber}` : '';
  switch (disposition) {
    case 'appointment_booked': {
      const when = whenNear(turns, around, reference);
      const at = when?.hasTime ? when.iso : null;
      return { nextAction: `Prepare for${who}'s appointment`, nextActionDue: when?.iso ?? null, appointmentTime: at };
    }
    case 'callback_requested': {
      const when = whenNear(turns, around, reference);
      return { nextAction: `Call${who} back${on}`, nextActionDue: when?.iso ?? nextBusinessDay(reference), appointmentTime: null };
    }
    case 'message_taken':
      return { nextAction: `Pass on the message from${who} and reply${on}`, nextActionDue: whenNear(turns, around, reference)?.iso ?? nextBusinessDay(reference), appointmentTime: null };
    case 'qualified':
      return { nextAction: `Follow up with${who} on the quote`, nextActionDue: whenNear(turns, around, reference)?.iso ?? nextBusinessDay(reference), appointmentTime: null };
    case 'voicemail':
    case 'abandoned':
      return { nextAction: `Try to reach${who} again`, nextActionDue: nextBusinessDay(reference), appointmentTime: null };
    default:
      return { nextAction: null, nextActionDue: null, appointmentTime: null };
  }
}
