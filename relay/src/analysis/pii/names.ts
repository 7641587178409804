// Person names. Callers rarely say "my name is": they say "it's Maria Gonzalez", "this is
// Tom", "name's Priya Patel", "Tom here", spell it ("P-A-T-E-L"), or the agent says "thanks,
// Maria". Each finding records the cue that found it, because the analyser needs to tell the
// caller's own name from a name they mention ("my husband Raj") or the agent's.
import type { Detection } from './entity.ts';
import { AMBIGUOUS_FIRST_NAMES, BUSINESS_WORDS, FIRST_NAMES, NOT_NAMES } from './lexicon.ts';

/**
 * self: the speaker introduces themself; other: a third person is named; vocative: the
 * speaker addresses the listener by name; title: "Mr. Patel"; spelled: letters read out;
 * answer: the reply to "what's your name?"; plain: a known first name with no cue; repeat:
 * another mention of a name already found.
 */
export type NameCue = 'self' | 'other' | 'vocative' | 'title' | 'spelled' | 'answer' | 'plain' | 'repeat';
export type NameDetection = Detection & { type: 'name'; cue: NameCue };

/** The other speaker asking for a name: the answer that follows is one, even without a cue. */
export const ASKS_NAME = /\b(your name|the name|name and|who (am i|i'm) speaking|who'?s calling|who is calling|may i (ask|have|get) who|name please|name for (the|this)|and you are|spell (it|that|your)|last name|first name|name on the|address it to|who should i)\b/i;

/** One capitalised name word: Maria, O'Brien, McDonald, DeShawn, Ellis-Ward. */
const WORD = String.raw`(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:['’][a-z]+)?(?:-[A-Z][a-z]+)?`;

const FILLER = /^(?:\s|,|\b(?:um+|uh+|er|erm|ah|like)\b)*/i;
const PARTICLES = new Set(['de', 'del', 'la', 'van', 'von', 'da', 'di', 'le', 'bin', 'al', 'st']);
const TOKEN = /^[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)?/;

/** "Am I speaking with Howard?": whoever is asked for, named in full or not. */
const ASKS_FOR = /\b(?:am i speaking (?:with|to)|is this|may i speak (?:with|to)|can i speak (?:with|to)|is that)\s*$/i;

/** Cue phrases, ending just before the name. Strong cues accept lower-case names (ASR output). */
const CUES: { pattern: RegExp; cue: NameCue; strong: boolean }[] = [
  { pattern: /\b(?:my (?:full |first |last |sur)?name(?:'s| is)|(?:first|last|full|sur) ?name(?:'s| is)|the name(?:'s| is| will be)|name's|names is|under the name(?: of)?|it's under|goes by|you can call me|just call me|call me)\s*$/i, cue: 'self', strong: true },
  { pattern: ASKS_FOR, cue: 'other', strong: false },
  { pattern: /\b(?:this is|it's|it is|i'm|i am|you're speaking (?:with|to)|you've reached|speaking with|here's|tell (?:him|her|them)(?: that)?)\s*$/i, cue: 'self', strong: false },
  { pattern: /\bmy (?:wife|husband|son|daughter|mother|mom|mum|father|dad|brother|sister|partner|boss|friend|colleague|coworker|neighbou?r|grandmother|grandfather|grandma|grandpa|aunt|uncle|child|kid|manager|tenant|landlord|assistant)(?:'s name is|,? whose name is| is| named| called|,)?\s*$/i, cue: 'other', strong: true },
  { pattern: /\b(?:ask(?:ing)? for|speak (?:to|with)|talk (?:to|with)|looking for|trying to reach|with doctor|with dr\.?|for|with|from|to|tell|let|and|or|see|saw|sent|told|called)\s*$/i, cue: 'other', strong: false },
  { pattern: /\b(?:thanks|thank you|hi|hello|hey|okay|ok|great|perfect|sure|alright|got it|welcome|bye|goodbye|sorry|yes|no|morning|afternoon|evening)[,!.]?\s*$/i, cue: 'vocative', strong: false },
];
const TITLE = /\b(mr|mrs|ms|miss|dr|doctor|mister|missus)\.?\s+$/i;
const HONORIFICS: Record<string, string> = { mr: 'Mr.', mister: 'Mr.', mrs: 'Mrs.', missus: 'Mrs.', ms: 'Ms.', miss: 'Miss', dr: 'Dr.', doctor: 'Dr.' };

type Token = { start: number; end: number; text: string };

function readTokens(text: string, from: number, allowLower: boolean): Token[] {
  const out: Token[] = [];
  let position = from + (text.slice(from).match(FILLER)?.[0].length ?? 0);
  while (out.length < 3) {
    const match = text.slice(position).match(TOKEN);
    if (!match) break;
    const word = match[0];
    const lower = word.toLowerCase();
    const capitalised = /^[A-Z]/.test(word);
    if (out.length > 0 && PARTICLES.has(lower) && /^\s+[A-Z]/.test(text.slice(position + word.length))) {
      out.push({ start: position, end: position + word.length, text: word });
    } else if ((capitalised || allowLower) && !NOT_NAMES.has(lower) && lower.length > 1) {
      out.push({ start: position, end: position + word.length, text: word });
    } else break;
    const gap = text.slice(position + word.length).match(/^\s+/);
    if (!gap || /[,.!?;]/.test(text[position + word.length] ?? '')) break;
    position += word.length + gap[0].length;
    // Lower-case names after a strong cue stop at two words: "maria gonzalez and ..."
    if (!capitalised && out.length >= 2) break;
  }
  while (out.length > 0 && PARTICLES.has(out[out.length - 1]!.text.toLowerCase())) out.pop();
  return out;
}

function titleCase(words: string[]): string {
  return words.map((w) => (PARTICLES.has(w.toLowerCase()) ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1))).join(' ');
}

function isKnownFirst(word: string, allowAmbiguous: boolean): boolean {
  const lower = word.toLowerCase();
  return FIRST_NAMES.has(lower) && (allowAmbiguous || !AMBIGUOUS_FIRST_NAMES.has(lower));
}

function businessFollows(text: string, end: number): boolean {
  const next = text.slice(end).match(/^\s+([A-Za-z]+)(?:\s+([A-Za-z]+))?/);
  return !!next && [next[1], next[2]].some((w) => w !== undefined && BUSINESS_WORDS.has(w.toLowerCase()));
}

function make(tokens: Token[], cue: NameCue, score: number): NameDetection {
  const start = tokens[0]!.start;
  const end = tokens[tokens.length - 1]!.end;
  return { type: 'name', start, end, normalised: titleCase(tokens.map((t) => t.text)), score, cue };
}

/** Names after cue phrases, titles and greetings. */
function cued(text: string): NameDetection[] {
  const out: NameDetection[] = [];
  for (const boundary of text.matchAll(/(?<![A-Za-z'’])(?=[A-Za-z])/g)) {
    const at = boundary.index;
    const before = text.slice(Math.max(0, at - 60), at);
    const title = before.match(TITLE);
    if (title) {
      const tokens = readTokens(text, at, false).slice(0, 2);
      if (tokens.length > 0) {
        // The value keeps the title: "Mrs. Alvarez" is how the CRM should address them.
        const honorific = HONORIFICS[title[1]!.toLowerCase()]!;
        const named = make(tokens, 'title', 0.9);
        out.push({ ...named, normalised: `${honorific} ${named.normalised}` });
      }
      continue;
    }
    for (const { pattern, cue, strong } of CUES) {
      if (!pattern.test(before)) continue;
      const word = text.slice(at).match(TOKEN)?.[0] ?? '';
      const tokens = readTokens(text, at, strong || isKnownFirst(word, false));
      const first = tokens[0];
      if (!first) continue;
      const capitalised = tokens.every((t) => /^[A-Z]/.test(t.text) || PARTICLES.has(t.text.toLowerCase()));
      const turnStart = text.slice(0, at).split(/\s+/).filter(Boolean).length <= 4;
      let accept: boolean;
      if (strong) accept = capitalised || tokens.length <= 2;
      else if (cue === 'self') accept = capitalised && (isKnownFirst(first.text, true) || tokens.length >= 2 || turnStart);
      else if (ASKS_FOR.test(before)) accept = capitalised && /^\s*[?,]/.test(text.slice(tokens[tokens.length - 1]!.end));
      // "Hi, Victor Lindqvist." greets with a full name; a lone word needs to be a known first name.
      else accept = capitalised && (isKnownFirst(first.text, cue !== 'other' || tokens.length >= 2) || (cue === 'vocative' && tokens.length >= 2));
      if (!strong && !capitalised && isKnownFirst(first.text, false)) accept = true;
      if (!accept || businessFollows(text, tokens[tokens.length - 1]!.end)) continue;
      // A vocative is a single name followed by a pause or the end: "Thanks, Maria."
      const picked = cue === 'vocative' ? tokens.slice(0, 2) : tokens;
      out.push(make(picked, cue, strong ? 0.95 : cue === 'self' ? 0.9 : 0.8));
      break;
    }
  }
  return out;
}

/** A name said to the listener at the end of a sentence: "Sorry about that, Carl." */
function addressed(text: string): NameDetection[] {
  const out: NameDetection[] = [];
  for (const match of text.matchAll(new RegExp(String.raw`,\s+(${WORD})(\s+${WORD})?\s*[.!?]`, 'g'))) {
    const first = match[1]!;
    if (NOT_NAMES.has(first.toLowerCase()) || !(isKnownFirst(first, true) || match[2])) continue;
    if (match[2] && NOT_NAMES.has(match[2].trim().toLowerCase())) continue;
    const name = first + (match[2] ?? '');
    const start = match.index + match[0].indexOf(first);
    out.push({ type: 'name', start, end: start + name.length, normalised: name.replace(/\s+/g, ' '), score: 0.8, cue: 'vocative' });
  }
  return out;
}

/** "Tom here." at the start of a sentence. */
function signOff(text: string): NameDetection[] {
  const out: NameDetection[] = [];
  for (const match of text.matchAll(new RegExp(String.raw`(?:^|[.!?]\s+|,\s*)(?:(?:hi|hey|hello|yeah|yes),?\s+)?(${WORD})(\s+${WORD})?\s+(?:here|speaking)\b`, 'g'))) {
    const name = match[1]! + (match[2] ?? '');
    if (NOT_NAMES.has(match[1]!.toLowerCase())) continue;
    const start = match.index + match[0].indexOf(match[1]!);
    out.push({ type: 'name', start, end: start + name.length, normalised: name, score: 0.85, cue: 'self' });
  }
  return out;
}

const LETTER = String.raw`[A-Za-z](?:\s+as\s+in\s+[A-Za-z]+)?`;
const SPELLED_RUN = new RegExp(String.raw`(?<![A-Za-z'’])${LETTER}(?:[\s,.\-]+${LETTER}){2,}(?![A-Za-z'’])`, 'g');

/** Letters read out one by one: "P-R-I-Y-A", "G O N Z A L E Z", "S as in Sam, M, I, T, H". */
export function spelledRuns(text: string): { start: number; end: number; word: string }[] {
  return [...text.matchAll(SPELLED_RUN)]
    .map((m) => {
      const letters = m[0].replace(/\s+as\s+in\s+[A-Za-z]+/gi, '').replace(/[^A-Za-z]/g, '');
      return { start: m.index, end: m.index + m[0].length, word: letters[0]!.toUpperCase() + letters.slice(1).toLowerCase() };
    })
    .filter((r) => !/^[ai]+$/i.test(r.word));
}

function spelled(text: string, nameAsked: boolean): NameDetection[] {
  const out: NameDetection[] = [];
  for (const run of spelledRuns(text)) {
    const before = text.slice(Math.max(0, run.start - 60), run.start).toLowerCase();
    const cue = /\b(spell(?:ed|ing|s)?|that's|thats|it's|its|name|is|like)\b[\s,:]*(?:it\s+)?(?:is\s+)?$/.test(before);
    // "Derek, D-E-R-E-K": the word just before is the name being spelled.
    const echoes = before.replace(/[\s,.:-]+$/, '').endsWith(run.word.toLowerCase());
    if (!(cue || nameAsked || echoes)) continue;
    out.push({ type: 'name', start: run.start, end: run.end, normalised: run.word, score: 0.85, cue: 'spelled' });
  }
  return out;
}

/**
 * In an answer to "what's your name?", capitalised words in the first sentence are the name.
 * A lower-case transcript (speech-to-text without casing) has no capitals to go by: there a
 * short answer of one to three ordinary-looking words is taken as the name.
 */
function answered(text: string): NameDetection[] {
  const out: NameDetection[] = [];
  const bare = text.trim().match(/^(?:(?:yeah|yes|sure|ok|okay|um|uh|it's|its|it is),?\s+)*([a-z][a-z'’-]+(?:\s+[a-z][a-z'’-]+){0,2})[.!]?$/);
  if (bare && text === text.toLowerCase()) {
    const words = bare[1]!.split(/\s+/);
    if (!words.some((w) => NOT_NAMES.has(w) || BUSINESS_WORDS.has(w))) {
      const start = text.indexOf(bare[1]!);
      out.push({ type: 'name', start, end: start + bare[1]!.length, normalised: titleCase(words), score: 0.7, cue: 'answer' });
    }
  }
  const first = text.split(/(?<=[.!?])\s/)[0] ?? '';
  for (const match of first.matchAll(new RegExp(String.raw`(?<![A-Za-z'’-])${WORD}(?:\s+${WORD}){0,2}(?![A-Za-z])`, 'g'))) {
    const words = match[0].split(/\s+/);
    while (words.length && NOT_NAMES.has(words[0]!.toLowerCase())) words.shift();
    while (words.length && NOT_NAMES.has(words[words.length - 1]!.toLowerCase())) words.pop();
    if (words.length === 0 || words.some((w) => BUSINESS_WORDS.has(w.toLowerCase()) || NOT_NAMES.has(w.toLowerCase()))) continue;
    const name = words.join(' ');
    const start = match.index + match[0].indexOf(name);
    if (businessFollows(text, start + name.length)) continue;
    const before = first.slice(0, start);
    // "Hi Kim" greets the listener; "under my wife's name, Herrera" names someone else.
    if (/\b(hi|hello|hey|thanks|thank you|dear|bye)[,!]?\s*$/i.test(before)) continue;
    const someoneElse = /\b(my|his|her|their) (wife|husband|son|daughter|mother|mom|father|dad|partner|boss|company|business|dog|cat|pet)('s)?\b|\bunder (my|his|her) |\b(he's|she's|he is|she is|it's for|his name is|her name is)\s*$/i.test(before);
    out.push({ type: 'name', start, end: start + name.length, normalised: name, score: 0.8, cue: someoneElse ? 'other' : 'answer' });
  }
  return out;
}

/** "Derek, D-E-R-E-K, Olsen": a name, its spelling, then the surname, said as one. */
function joinSpelledSurnames(text: string, found: NameDetection[]): NameDetection[] {
  const out = [...found];
  for (const run of found.filter((d) => d.cue === 'spelled')) {
    const first = found.find((d) => d.cue !== 'spelled' && d.end <= run.start && /^[\s,.-]*$/.test(text.slice(d.end, run.start)) && d.normalised.toLowerCase() === run.normalised.toLowerCase());
    const surname = text.slice(run.end).match(new RegExp(String.raw`^[\s,.-]+(${WORD})\b`));
    if (!first || !surname || NOT_NAMES.has(surname[1]!.toLowerCase())) continue;
    const end = run.end + surname[0].length;
    out.push({ type: 'name', start: first.start, end, normalised: `${first.normalised} ${surname[1]}`, score: 0.85, cue: first.cue });
  }
  return out;
}

/** Known first names with no cue, and a capitalised surname after them. */
function plain(text: string): NameDetection[] {
  const out: NameDetection[] = [];
  for (const match of text.matchAll(new RegExp(String.raw`\b${WORD}\b`, 'g'))) {
    if (!isKnownFirst(match[0], false)) continue;
    const tokens = readTokens(text, match.index, false).slice(0, 2);
    if (tokens.length === 0 || tokens[0]!.start !== match.index || businessFollows(text, tokens[tokens.length - 1]!.end)) continue;
    out.push(make(tokens, 'plain', 0.75));
  }
  return out;
}

/** `nameAsked`: the other speaker has just asked for a name or its spelling, so the answer is one. */
export function detectNames(text: string, nameAsked = false): NameDetection[] {
  const found = [...cued(text), ...signOff(text), ...addressed(text), ...spelled(text, nameAsked), ...plain(text), ...(nameAsked ? answered(text) : [])];
  return joinSpelledSurnames(text, found);
}

/** Further mentions of names already found in the call ("Maria" after "Maria Gonzalez"). */
export function detectRepeats(text: string, known: Iterable<string>): NameDetection[] {
  const out: NameDetection[] = [];
  for (const name of known) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
    for (const match of text.matchAll(new RegExp(`(?<![A-Za-z'’])${escaped}(?![A-Za-z'’])`, 'gi'))) {
      // "Carl Hughes from Hughes Dental": the second Hughes names the business.
      if (businessFollows(text, match.index + match[0].length)) continue;
      // Lowest score: where a cue found the same span, the cue says more about whose name it is.
      out.push({ type: 'name', start: match.index, end: match.index + match[0].length, normalised: name, score: 0.5, cue: 'repeat' });
    }
  }
  const lower = new Set([...known].map((k) => k.toLowerCase()));
  for (const run of spelledRuns(text)) {
    if (lower.has(run.word.toLowerCase())) out.push({ type: 'name', start: run.start, end: run.end, normalised: run.word, score: 0.85, cue: 'spelled' });
  }
  return out;
}
