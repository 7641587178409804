// The fixed-format summary (asked / said / next step) from the sentences that decided the
// intent and the outcome. The sentences come from the redacted transcript, so card numbers,
// SSNs, addresses and phone numbers stay as placeholders in the CRM's summary.
import type { Summary } from '../insights.ts';
import { labelOf, taxonomy, type Disposition, type Intent } from '../../taxonomy.ts';
import type { FollowUp } from './follow-up.ts';

const MAX = 180;

/** Hesitations and stutters that speech-to-text writes down and a rep's note leaves out. */
const FILLERS = /(^|[\s,])(?:um+|uh+|uhm|erm|er|ah|hmm+|you know|i mean)(?=[\s,.!?]|$)[,]?/gi;
const REPEATED = /\b(\w+)(?:[\s,]+\1\b)+/gi;

function clip(sentence: string): string {
  // Cut before cleaning: the patterns below read a sentence once, and a sentence can be a whole long turn.
  const clean = sentence
    .slice(0, MAX * 4)
    .replace(FILLERS, '$1')
    .replace(REPEATED, '$1')
    .replace(/\s+([,.!?])/g, '$1')
    .replace(/,(\s*,)+/g, ',')
    .replace(/^[\s,]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length <= MAX ? clean : `${clean.slice(0, MAX - 1).replace(/\s+\S*$/, '')}…`;
}

/** A due date at 09:00 is the default for "tomorrow" with no time said, so its time is left out. */
function readableDate(iso: string, withTime = false): string {
  const date = new Date(iso);
  const day = date.toLocaleDateString('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const showTime = withTime || date.getUTCHours() !== 9 || date.getUTCMinutes() !== 0;
  const time = showTime ? ` ${date.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' })}` : '';
  return `${day}${time}`;
}

export function summarise(input: {
  intent: Intent;
  disposition: Disposition;
  askedSentence: string | null;
  said: { sentence: string; speaker: 'agent' | 'caller' } | null;
  followUp: FollowUp;
  empty: boolean;
}): Summary {
  const intentLabel = labelOf(taxonomy.intents, input.intent);
  const outcomeLabel = labelOf(taxonomy.dispositions, input.disposition);
  if (input.empty) {
    return { asked: 'Nothing: the caller did not speak.', said: `No conversation took place (${outcomeLabel.toLowerCase()}).`, nextStep: input.followUp.nextAction ?? 'None' };
  }
  const asked = input.askedSentence ? `${intentLabel}: "${clip(input.askedSentence)}"` : `${intentLabel} (the caller stated no clear request).`;
  const said = input.said ? `${outcomeLabel}. ${input.said.speaker === 'agent' ? 'Agent' : 'Caller'}: "${clip(input.said.sentence)}"` : `${outcomeLabel}.`;
  const { nextAction, nextActionDue, appointmentTime } = input.followUp;
  let nextStep = nextAction ?? 'None';
  if (nextAction && appointmentTime) nextStep = `${nextAction} on ${readableDate(appointmentTime, true)} (UTC)`;
  else if (nextAction && nextActionDue) nextStep = `${nextAction} by ${readableDate(nextActionDue)} (UTC)`;
  return { asked, said, nextStep };
}
