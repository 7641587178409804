// Who called: the caller's name, email and phone numbers, read from the redaction findings.
// The redactor already found every name, with the cue that found it; here we decide which of
// them is the caller's own, which is what a CRM will match and create records on.
import type { Turn } from '../../calls/model.ts';
import { ASKS_NAME } from '../pii/names.ts';
import type { RedactedTranscript } from '../redact.ts';

export type Caller = { name: string | null; nameConfidence: number; email: string | null; phones: string[] };


const ASKS_OTHER_NAME = /\b(your (son|daughter|child|kid|wife|husband|mother|mom|father|dad|partner|pet|dog|cat)['’]s name|(his|her|their|the child['’]s) (first |last |full )?name)\b/i;

const TITLE = /^(mr|mrs|ms|miss|dr)\.?(\s|$)/i;

const CONFIRMS = /^\s*(speaking|yes|yeah|yep|that's me|this is (she|he)|it is|you got (her|him|it))\b/i;

/**
 * A caller's greeting with their own name ("Hi, Carl Hughes from Hughes Dental", "Hi, Victor
 * Lindqvist.", "This is Mrs. Alvarez"): the name opens the turn, or follows a self-introduction.
 */
function selfIntroduced(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - WINDOW), start);
  const opens = start <= (text.match(/^\s*(?:\S+\s+){2}/)?.[0].length ?? text.length) && /^\s*([,]?\s*(from|here|calling|speaking|with)\b|[.!]|$)/i.test(text.slice(end));
  return opens || /\b(this is|it's|i'm|my name is)\s+(mr|mrs|ms|miss|dr)\.?\s*$/i.test(before);
}

/** The agent giving the business's own address. */
const BUSINESS_EMAIL = /\b(our|us at|email us|write to us|send (it|them|that|those) (over )?to|reach us|at our|the office(?:'s)?|main|general|billing|support|info)\b[^.?!]*$/;
/** The caller giving someone else's address. */
const OTHER_EMAIL = /\b(his|her|their|(my|our) (wife|husband|son|daughter|mom|mother|dad|father|boss|partner|assistant|landlord|tenant|friend|brother|sister)(?:'s)?) (email|e-mail|address)\b[^.?!]*$/;

/** How much text before a name the cues here read: the words just before it, not the whole turn. */
const WINDOW = 60;

export function callerIdentity(turns: Turn[], redacted: RedactedTranscript): Caller {
  const firstCallerTurn = turns.findIndex((t) => t.speaker === 'caller');
  // Whether each turn asks for a name, read once per turn rather than once per name in the next.
  const asksName = turns.map((t) => t.speaker === 'agent' && ASKS_NAME.test(t.text) && !ASKS_OTHER_NAME.test(t.text));
  const asksOtherName = turns.map((t) => t.speaker === 'agent' && ASKS_OTHER_NAME.test(t.text));
  const agentOwn = new Set(redacted.entities.filter((e) => e.type === 'name' && e.turn !== null && turns[e.turn]?.speaker === 'agent' && e.cue === 'self').map((e) => e.placeholder));
  const candidates: { placeholder: string; score: number; turn: number }[] = [];
  for (const entity of redacted.entities) {
    if (entity.type !== 'name' || entity.turn === null || agentOwn.has(entity.placeholder)) continue;
    const turn = turns[entity.turn]!;
    // "Dave? It's me": a name asked or called out to is the listener's, not the speaker's.
    if (/^\s*\?/.test(turn.text.slice(entity.end)) && entity.cue !== 'other') continue;
    // "There's no Ortega here": the person asked for, not the one who answered.
    const before = turn.text.slice(Math.max(0, entity.start - WINDOW), entity.start);
    // "Dr. Lee said ...": a doctor a caller names is rarely the caller, unless introducing themself.
    if (/^dr\.?\s/i.test(entity.normalised) && !/\b(this is|it's|i'm|i am|my name is)\s+(dr|doctor)\.?\s*$/i.test(before)) continue;
    if (/\b(no|not)\s+((mr|mrs|ms|dr)\.?\s+)?$/i.test(before)) continue;
    // "What's your son's name?" "Arjun Mehta.": the answer names someone else.
    const asksOther = asksOtherName[entity.turn - 1] ?? false;
    const answersQuestion = turn.speaker === 'caller' && (asksName[entity.turn - 1] ?? false);
    let score = 0;
    if (turn.speaker === 'caller') {
      if (entity.cue === 'self') score = entity.normalised.includes(' ') ? 0.7 : 0.6;
      // "It should be under Harold Fenwick, that's me", "I am his father, Sanjay Mehta".
      else if (entity.cue === 'other' && (/^[,.]?\s*(that's|that is|it's) me\b/i.test(turn.text.slice(entity.end)) || /\b(i am|i'm) (his|her|their) [a-z-]+,?\s*$/i.test(before))) score = 0.65;
      else if (entity.cue === 'spelled') score = 0.6;
      else if (entity.cue === 'answer' && !asksOther) score = entity.normalised.includes(' ') ? 0.65 : 0.55;
      else if (!asksOther && selfIntroduced(turn.text, entity.start, entity.end)) score = 0.6;
      else if (answersQuestion && entity.cue !== 'other') score = 0.6;
      else if (entity.cue === 'plain') score = 0.3;
    } else if (entity.cue === 'other' && CONFIRMS.test(turns[entity.turn + 1]?.text ?? '') && turns[entity.turn + 1]?.speaker === 'caller' && /\b(speak (with|to)|is this|am i speaking|talking (with|to))\b/i.test(turn.text)) {
      // "May I speak with Patricia Lowell?" "Speaking."
      score = 0.55;
    } else if (entity.cue === 'vocative' || entity.cue === 'title') {
      // The agent addressing the caller by name, once the caller has spoken.
      if (firstCallerTurn !== -1 && firstCallerTurn < entity.turn) score = 0.45;
    }
    if (score > 0) candidates.push({ placeholder: entity.placeholder, score, turn: entity.turn });
  }
  // Several mentions of the same name add up a little; the strongest single mention leads.
  const byName = new Map<string, { score: number; turn: number; mentions: number }>();
  for (const c of candidates) {
    const known = byName.get(c.placeholder);
    if (!known) byName.set(c.placeholder, { score: c.score, turn: c.turn, mentions: 1 });
    else byName.set(c.placeholder, { score: Math.max(known.score, c.score), turn: Math.max(known.turn, c.turn), mentions: known.mentions + 1 });
  }
  const wordsIn = (placeholder: string) => (redacted.valueOf(placeholder) ?? '').split(/\s+/).length;
  let best: { placeholder: string; score: number; turn: number } | null = null;
  for (const [placeholder, c] of byName) {
    const score = Math.min(1, c.score + 0.05 * (c.mentions - 1));
    // Ties go to the fuller name, which is what a CRM matches on ("Bartholomew Finch. People
    // call me Bart."), then to the later mention: callers correct themselves ("sorry, it's Jon with no h").
    const fuller = best ? wordsIn(placeholder) - wordsIn(best.placeholder) : 0;
    if (!best || score > best.score || (score === best.score && (fuller > 0 || (fuller === 0 && c.turn > best.turn)))) best = { placeholder, score, turn: c.turn };
  }
  // A first name or a surname given on its own, and the name said in full elsewhere ("its tasha"
  // ... "williams" ... "great, tasha williams"): the full name is what a CRM matches on.
  let name = best ? redacted.valueOf(best.placeholder) : null;
  if (name) {
    const nameWords = (value: string) => value.toLowerCase().split(/\s+/).filter((w) => !TITLE.test(w));
    const chosen = nameWords(name);
    for (const entity of redacted.entities) {
      if (entity.type !== 'name' || entity.cue === 'other' || TITLE.test(entity.normalised)) continue;
      const full = nameWords(entity.normalised);
      if (full.length > chosen.length && chosen.every((w) => full.includes(w))) name = entity.normalised;
    }
  }
  // The caller's own email: one they gave, or the agent read back to them; not the business's
  // own address ("email us at ...") nor someone else's ("my wife's is ...").
  const emails = redacted.entities.filter((e) => {
    if (e.type !== 'email' || e.turn === null) return false;
    const before = turns[e.turn]!.text.slice(Math.max(0, e.start - WINDOW), e.start).toLowerCase();
    if (turns[e.turn]!.speaker === 'agent' && BUSINESS_EMAIL.test(before)) return false;
    return !OTHER_EMAIL.test(before);
  });
  const callerEmails = emails.filter((e) => turns[e.turn!]?.speaker === 'caller');
  const email = (callerEmails.at(-1) ?? emails.at(-1))?.normalised ?? null;
  const phones = [...new Set(redacted.entities.filter((e) => e.type === 'phone').map((e) => e.normalised))];
  return {
    name,
    nameConfidence: best ? Math.round(best.score * 100) / 100 : 0,
    email,
    phones,
  };
}
