// Person names. Callers rarely say "my name is": they say "it's Maria Gonzalez", "this is
// Tom", "name's Priya Patel", "Tom here", spell it ("P-A-T-E-L"), or the agent says "thanks,
// Maria". Each finding records the cue that found it, because the analyser needs to tell the
// caller's own name from a name they mention ("my husband Raj") or the agent's.
import type { Detection } from './entity.ts';
import { AMBIGUOUS_FIRST_NAMES, BUSINESS_WORDS, COMMON_WORDS, ENGLISH_WORDS, FIRST_NAMES, NAME_WORDS, NAMES_BEFORE_WORDS, NOT_NAMES, PLACE_WORDS, PLACES_AND_BRANDS } from './lexicon.ts';

/**
 * self: the speaker introduces themself; other: a third person is named; vocative: the
 * speaker addresses the listener by name; title: "Mr. Patel"; spelled: letters read out;
 * answer: the reply to "what's your name?"; plain: a name known from the name lists, with no cue; repeat:
 * another mention of a name already found.
 */
export type NameCue = 'self' | 'other' | 'vocative' | 'title' | 'spelled' | 'answer' | 'plain' | 'repeat';
export type NameDetection = Detection & { type: 'name'; cue: NameCue };

/** The other speaker asking for a name: the answer that follows is one, even without a cue. */
export const ASKS_NAME = /\b(your name|the name|name and|who (am i|i'm) speaking|who'?s calling|who is calling|may i (ask|have|get) who|name please|name for (the|this)|and you are|spell (it|that|your)|last name|first name|name on the|address it to|who should i)\b/i;

/** One capitalised name word: Maria, O'Brien, McDonald, DeShawn, Ellis-Ward, Sebastián. Patterns using it need the u flag. */
const WORD = String.raw`(?:Mc|Mac|O['’])?\p{Lu}\p{Ll}+(?:\p{Lu}\p{Ll}+)?(?:['’]\p{Ll}+)?(?:-\p{Lu}\p{Ll}+)?`;

/** Fillers before a name; bounded, because it is tried at every word and a run of "um" must not be read again from each. */
const FILLER = /^(?:[\s,]+|\b(?:um+|uh+|er|erm|ah|like)\b){0,12}/i;
const FILLER_WORD = /^(?:um+|uh+|er|erm|ah|like)$/;
const PARTICLES = new Set(['de', 'del', 'der', 'den', 'la', 'van', 'von', 'da', 'di', 'du', 'dos', 'le', 'bin', 'al', 'st']);
const TOKEN_TEXT = String.raw`\p{L}[\p{L}'’]*(?:-\p{L}[\p{L}'’]*)?`;
const TOKEN = new RegExp(`^${TOKEN_TEXT}`, 'u');
/** Every word of a text, for the cue search. */
const WORDS = new RegExp(String.raw`(?<![\p{L}'’])${TOKEN_TEXT}`, 'gu');
const CAPITALISED = /^\p{Lu}/u;
/** Speech-to-text without casing: no capitals to tell a name by. */
const uncased = (text: string) => text === text.toLowerCase();
/** A word in an uncased transcript, where any word in no dictionary may be a name. */
const LOWER_WORD = String.raw`\p{Ll}[\p{Ll}'’-]+`;

/** "Am I speaking with Howard?": whoever is asked for, named in full or not. */
const ASKS_FOR = /\b(?:am i speaking (?:with|to)|is this|may i speak (?:with|to)|can i speak (?:with|to)|is that)\s*$/i;

/**
 * Cue phrases, ending just before the name. Strong cues accept lower-case names (ASR output);
 * after a `person` cue a single word that can only be a name is taken even if no given name.
 */
const CUES: { pattern: RegExp; cue: NameCue; strong: boolean; person?: boolean; surely?: boolean }[] = [
  { pattern: /\b(?:my (?:full |first |last |sur|legal |maiden |middle )?name(?:'s| is)|(?:first|last|full|sur|legal|maiden|middle) ?name(?:'s| is|:)?|and mine is|mine's|the name(?:'s| is| will be)|name's|names is|under the name(?: of)?|it's under|goes by|you can call me|just call me|call me)\s*$/i, cue: 'self', strong: true },
  { pattern: ASKS_FOR, cue: 'other', strong: false },
  { pattern: /\b(?:(?:his|her|their|whose) (?:full |first |last |legal )?name(?:'s| is)|(?:father|mother|parent|dad|mom|guardian|grandmother|grandfather|grandma|grandpa) of)\s*$/i, cue: 'other', strong: true },
  { pattern: /\b(?:someone|somebody|a (?:guy|man|woman|lady|girl|gentleman|person|tech|technician|nurse|doctor|rep)|guy|lady) (?:named|called|by the name of)\s*$/i, cue: 'other', strong: true },
  // "the tech, Abdirahman I think,": a role, then the person's name.
  { pattern: /\b(?:the|your|our|my|his|her) (?:tech|technician|nurse|doctor|agent|rep|representative|driver|installer|inspector|adjuster|receptionist|caseworker|teacher|contractor|plumber|electrician|stylist|groomer|trainer|therapist|dentist|hygienist|realtor|broker|guy|lady),\s*$/i, cue: 'other', strong: true },
  { pattern: /\b(?:this is|it's|its|it is|i'm|im|i am|you're speaking (?:with|to)|you've reached|speaking with|here's|tell (?:him|her|them)(?: that)?)\s*$/i, cue: 'self', strong: false },
  { pattern: /\b(?:my|our|his|her|their) (?:wife|husband|son|daughter|mother|mom|mum|father|dad|brother|sister|partner|boss|friend|colleague|coworker|neighbou?r|grandmother|grandfather|grandma|grandpa|grandson|granddaughter|aunt|uncle|nephew|niece|cousin|child|kid|kids|children|sons|daughters|stepson|stepdaughter|fianc[eé]e?|roommate|caregiver|manager|tenant|landlord|assistant|accountant|attorney|lawyer)(?:-in-law)?(?:'s name is|,? whose name is| is| named| called|,)?\s*$/i, cue: 'other', strong: true },
  // Whoever one speaks with or asks for is a person, even "Grant" or a name in no list.
  { pattern: /\b(?:ask(?:ing)? for|(?:speak|spoke|speaking|talk|talked|talking|met|worked|dealt|deal|dealing) (?:to|with)|looking for|trying to reach)\s*$/i, cue: 'other', strong: false, person: true, surely: true },
  // "under Castellanos", "with Okonkwo".
  { pattern: /\b(?:with doctor|with dr\.?|for|with|under|tell|ask|asked|remind|and|or|see|saw|told|named)\s*$/i, cue: 'other', strong: false, person: true },
  { pattern: /\b(?:from|to|let|sent|called)\s*$/i, cue: 'other', strong: false },
  { pattern: /\b(?:thanks|thank you|hi|hello|hey|okay|ok|great|perfect|sure|alright|got it|welcome|bye|goodbye|sorry|yes|no|oh|morning|afternoon|evening)[,!.]?\s*$/i, cue: 'vocative', strong: false, person: true },
];
const TITLE = /\b(mr|mrs|ms|miss|dr|doctor|mister|missus)\.?\s+$/i;
const HONORIFICS: Record<string, string> = { mr: 'Mr.', mister: 'Mr.', mrs: 'Mrs.', missus: 'Mrs.', ms: 'Ms.', miss: 'Miss', dr: 'Dr.', doctor: 'Dr.' };
/** Ranks and offices said before a surname, capitalised as a title: "Officer Grady", "Coach Ramos". */
const RANK = /\b(?:Officer|Detective|Sergeant|Sgt\.?|Lieutenant|Lt\.?|Deputy|Trooper|Nurse(?: Practitioner)?|Physician Assistant|Coach|Pastor|Reverend|Rev\.?|Judge|Professor|Captain|Capt\.?)\s+$/;
/** The same in a lower-case transcript, where only a word in no dictionary after it is taken: "officer reyes". */
const RANK_ANY_CASE = new RegExp(RANK.source, 'i');

type Token = { start: number; end: number; text: string };

function readTokens(text: string, from: number, allowLower: boolean): Token[] {
  const out: Token[] = [];
  let position = from + (text.slice(from).match(FILLER)?.[0].length ?? 0);
  while (out.filter((t) => !PARTICLES.has(t.text.toLowerCase())).length < 3) {
    const match = text.slice(position).match(TOKEN);
    if (!match) break;
    const word = match[0];
    const lower = word.toLowerCase();
    const capitalised = CAPITALISED.test(word);
    if (out.length > 0 && PARTICLES.has(lower) && /^\s+\p{Lu}/u.test(text.slice(position + word.length))) {
      out.push({ start: position, end: position + word.length, text: word });
    } else if (out.length > 0 && !PARTICLES.has(out[out.length - 1]!.text.toLowerCase()) && ((ENGLISH_WORDS.has(lower) && (!NAME_WORDS.has(lower) || (!capitalised && COMMON_WORDS.has(lower)))) || PLACES_AND_BRANDS.has(lower) || PLACE_WORDS.has(lower) || /^[A-Z]{2,}$/.test(word))) {
      // "Hartwell Remodeling", "Wells Fargo", "Quincy Market", "Roth IRA", "maria booked": an everyday
      // word, a brand, a kind of place or an acronym ends the name ("Van der Berg" does not).
      break;
    } else if ((capitalised || allowLower) && !NOT_NAMES.has(lower) && lower.length > 1) {
      out.push({ start: position, end: position + word.length, text: word });
    } else break;
    const gap = text.slice(position + word.length).match(/^\s+/);
    if (!gap || /[,.!?;]/.test(text[position + word.length] ?? '')) break;
    position += word.length + gap[0].length;
    // Lower-case names after a strong cue stop at two words: "maria gonzalez and ..."
    if (!capitalised && !PARTICLES.has(lower) && out.length >= 2) break;
  }
  while (out.length > 0 && PARTICLES.has(out[out.length - 1]!.text.toLowerCase())) out.pop();
  return out;
}

/** The first `count` words of a name, its particles not counted: "Van der Berg" is one surname. */
function firstWords(tokens: Token[], count: number): Token[] {
  const out: Token[] = [];
  let words = 0;
  for (const token of tokens) {
    if (!PARTICLES.has(token.text.toLowerCase()) && words++ === count) break;
    out.push(token);
  }
  return out;
}

/** The name as written: each word capitalised, a word speech-to-text repeated ("adrian adrian gallegos") said once. */
function titleCase(words: string[]): string {
  const said = words.filter((w, i) => i === 0 || w.toLowerCase() !== words[i - 1]!.toLowerCase());
  return said.map((w) => (PARTICLES.has(w.toLowerCase()) ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1))).join(' ');
}

/** A word as the lists hold it: lower-case, accents dropped ("Sebastián" is "sebastian"). */
function key(word: string): string {
  const lower = word.toLowerCase();
  return /^[a-z'’-]*$/.test(lower) ? lower : lower.normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * A given name. Unless `allowAmbiguous` (a cue says a name comes), not one that is also an
 * everyday word or a place ("Will", "Hunter", "Austin"); never one of the commonest words.
 */
function isKnownFirst(word: string, allowAmbiguous: boolean): boolean {
  const lower = key(word);
  if (!FIRST_NAMES.has(lower) || NOT_NAMES.has(lower) || (lower.length < 3 && !NAMES_BEFORE_WORDS.has(lower))) return false;
  if (AMBIGUOUS_FIRST_NAMES.has(lower) || (PLACES_AND_BRANDS.has(lower) && !NAMES_BEFORE_WORDS.has(lower))) return allowAmbiguous;
  if (ENGLISH_WORDS.has(lower) && !NAMES_BEFORE_WORDS.has(lower)) return allowAmbiguous && !COMMON_WORDS.has(lower);
  return true;
}

/** A word that is a name and not an everyday word, place or brand: "Okafor", "Castellanos", "Delgado-Ruiz", not "Brown" or "Tacoma". */
function isNameOnly(word: string): boolean {
  if (word.includes('-')) return word.split('-').every(isNameOnly);
  const lower = key(word);
  return (NAME_WORDS.has(lower) || FIRST_NAMES.has(lower)) && lower.length >= 3 && !ENGLISH_WORDS.has(lower) && !NOT_NAMES.has(lower) && !PLACES_AND_BRANDS.has(lower) && !BUSINESS_WORDS.has(lower);
}

/** A name or a word in no list at all ("Odalys"): not an everyday word, place or brand. */
function isNameLike(word: string): boolean {
  const lower = key(word);
  return lower.length >= 3 && !/^\p{Lu}+$/u.test(word) && !/['’](?:s|d|ll|re|ve|m|t)$/.test(lower) && !ENGLISH_WORDS.has(lower) && !NOT_NAMES.has(lower) && !PLACES_AND_BRANDS.has(lower) && !BUSINESS_WORDS.has(lower);
}

/** "Hughes Dental", "Hartwell Remodeling", "Jackson Street", "Roth IRA", "Hollis and Park CPAs": the name belongs to a business, a place or a product. */
function businessFollows(text: string, end: number): boolean {
  const next = text.slice(end).match(/^\s+(?:(?:and|&)\s+[A-Z][a-z]+\s+)?([A-Za-z]+)(?:\s+([A-Za-z]+))?/);
  if (!next) return false;
  const word = next[1]!;
  if (/^[A-Z]/.test(word) && word !== 'I' && ((ENGLISH_WORDS.has(word.toLowerCase()) && !NAME_WORDS.has(word.toLowerCase())) || PLACE_WORDS.has(word.toLowerCase()) || /^[A-Z]+$/.test(word))) return true;
  // "Hughes Family Dental", but not "Kowalczyk in accounting".
  return [word, /^[A-Z]/.test(word) ? next[2] : undefined].some((w) => w !== undefined && BUSINESS_WORDS.has(w.toLowerCase()));
}

function make(tokens: Token[], cue: NameCue, score: number): NameDetection {
  const start = tokens[0]!.start;
  const end = tokens[tokens.length - 1]!.end;
  return { type: 'name', start, end, normalised: titleCase(tokens.map((t) => t.text)), score, cue };
}

/** Names after cue phrases, titles and greetings. */
function cued(text: string): NameDetection[] {
  const out: NameDetection[] = [];
  const lowerCase = uncased(text);
  // Where the fifth word of the text starts: a name before it opens the turn.
  const fifthWord = text.match(/^\s*(?:\S+\s+){4}/)?.[0].length ?? -1;
  for (const match of text.matchAll(WORDS)) {
    const at = match.index;
    const word = match[0];
    const lower = word.toLowerCase();
    // Most words can start no name: skip them before trying every cue (a filler may come before one).
    if (!FILLER_WORD.test(lower) && (lower.length < 2 || NOT_NAMES.has(lower) || (word === lower && ENGLISH_WORDS.has(lower) && !FIRST_NAMES.has(lower) && !NAME_WORDS.has(lower)))) continue;
    const before = text.slice(Math.max(0, at - 60), at);
    const rank = lowerCase ? (isNameLike(word) ? before.match(RANK_ANY_CASE) : null) : before.match(RANK);
    if (rank) {
      const tokens = firstWords(readTokens(text, at, lowerCase), 2);
      // The rank is not kept in the value: "officer" said again later is no name.
      if (tokens.length > 0 && !businessFollows(text, tokens[tokens.length - 1]!.end)) out.push(make(tokens, 'title', 0.85));
      continue;
    }
    const title = before.match(TITLE);
    if (title) {
      const bare = word.replace(/['’]s$/, '');
      const tokens = firstWords(readTokens(text, at, lowerCase && (isNameLike(bare) || (NAME_WORDS.has(bare) && !COMMON_WORDS.has(bare)))), 2);
      if (tokens.length > 0) {
        // The value keeps the title: "Mrs. Alvarez" is how the CRM should address them.
        const honorific = HONORIFICS[title[1]!.toLowerCase()]!;
        const named = make(tokens, 'title', 0.9);
        out.push({ ...named, normalised: `${honorific} ${named.normalised}` });
      }
      continue;
    }
    const turnStart = fifthWord === -1 || at <= fifthWord;
    for (const { pattern, cue, strong, person, surely } of CUES) {
      if (!pattern.test(before)) continue;
      // Speech-to-text without casing: the word alone says whether it is a name ("it's tomasz",
      // "thanks fatou"); an ambiguous given name is one when a surname or "from ..." follows
      // ("this is mark stevens", "it's will from the garage").
      const lowerName =
        lowerCase &&
        ((cue === 'vocative' && isNameLike(word)) ||
          (!!person && (isNameOnly(word) || isKnownFirst(word, true))) ||
          (cue === 'self' &&
            (isNameOnly(word) || (turnStart && isNameLike(word)) || (isKnownFirst(word, true) && (PERSON_FOLLOWS.test(text.slice(at + word.length)) || isNameOnly(text.slice(at + word.length).match(/^\s+([a-z]+)/)?.[1] ?? ''))))));
      const tokens = readTokens(text, at, strong || isKnownFirst(word, false) || lowerName);
      const first = tokens[0];
      if (!first) continue;
      // "my sons braces", "my husband is away": an everyday word where the name would be.
      const lowerFirst = first.text.toLowerCase();
      if (first.text === lowerFirst && ENGLISH_WORDS.has(lowerFirst) && !FIRST_NAMES.has(lowerFirst) && (!NAME_WORDS.has(lowerFirst) || COMMON_WORDS.has(lowerFirst))) continue;
      const capitalised = tokens.every((t) => CAPITALISED.test(t.text) || PARTICLES.has(t.text.toLowerCase()));
      let accept: boolean;
      if (strong) accept = capitalised || tokens.length <= 2;
      else if (cue === 'self') accept = capitalised && (isKnownFirst(first.text, true) || isNameOnly(first.text) || tokens.length >= 2 || turnStart);
      else if (ASKS_FOR.test(before)) accept = capitalised && /^\s*[?,]/.test(text.slice(tokens[tokens.length - 1]!.end));
      // "Hi, Victor Lindqvist." greets with a full name; a lone word needs to be a known first name.
      else accept = capitalised && (isKnownFirst(first.text, cue !== 'other' || tokens.length >= 2 || !!surely) || (!!surely && isNameLike(first.text)) || (cue === 'vocative' && tokens.length >= 2) || (!!person && (cue === 'vocative' ? isNameLike(first.text) : isNameOnly(first.text) || isKnownFirst(first.text, true))));
      if (!strong && !capitalised && (isKnownFirst(first.text, false) || lowerName)) accept = true;
      if (!accept || businessFollows(text, tokens[tokens.length - 1]!.end)) continue;
      // A vocative is a single name followed by a pause or the end: "Thanks, Maria."
      const picked = cue === 'vocative' ? firstWords(tokens, 2) : tokens;
      out.push(make(picked, cue, strong ? 0.95 : cue === 'self' ? 0.9 : 0.8));
      break;
    }
  }
  return out;
}

/** A name said to the listener at the end of a sentence: "Sorry about that, Carl." */
function addressed(text: string): NameDetection[] {
  const out: NameDetection[] = [];
  for (const match of text.matchAll(new RegExp(String.raw`,\s+(${WORD})(\s+${WORD})?\s*[.!?]`, 'gu'))) {
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
  // Lower-case transcripts: any word in no dictionary ("um hi, bartek here").
  const lowerCase = uncased(text);
  const word = lowerCase ? LOWER_WORD : WORD;
  for (const match of text.matchAll(new RegExp(String.raw`(?:^|[.!?]\s+|,\s*)(?:(?:hi|hey|hello|yeah|yes|um|uh),?\s+){0,4}(${word})(\s+${word})?\s+(?:here|speaking)\b`, 'gu'))) {
    const name = match[1]! + (match[2] ?? '');
    if (NOT_NAMES.has(match[1]!.toLowerCase()) || (lowerCase && !name.split(/\s+/).every(isNameLike))) continue;
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
    // When unsure, redact: letters spelled out that make a name-like word are one, cue or not.
    // Letters among digits are a code (a VIN, a plate), not a name.
    const amongDigits = /(?:\d|\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine))\W{0,3}$/i.test(before) || /^\W{0,3}(?:\d|(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b)/i.test(text.slice(run.end, run.end + 12));
    const nameLike = !amongDigits && run.word.length >= 4 && (isNameLike(run.word) || NAME_WORDS.has(run.word.toLowerCase())) && !BUSINESS_WORDS.has(run.word.toLowerCase());
    if (!(cue || nameAsked || echoes || nameLike)) continue;
    out.push({ type: 'name', start: run.start, end: run.end, normalised: run.word, score: cue || nameAsked || echoes ? 0.85 : 0.6, cue: 'spelled' });
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
  if (bare && uncased(text)) {
    const words = bare[1]!.split(/\s+/);
    if (!words.some((w) => NOT_NAMES.has(w) || BUSINESS_WORDS.has(w))) {
      const start = text.indexOf(bare[1]!);
      out.push({ type: 'name', start, end: start + bare[1]!.length, normalised: titleCase(words), score: 0.7, cue: 'answer' });
    }
  }
  const first = text.split(/(?<=[.!?])\s/)[0] ?? '';
  for (const match of first.matchAll(new RegExp(String.raw`(?<![\p{L}'’-])${WORD}(?:\s+${WORD}){0,2}(?!\p{L})`, 'gu'))) {
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
  const lowerCase = uncased(text);
  const surnameAfter = new RegExp(String.raw`^[\s,.\-]+(${lowerCase ? LOWER_WORD : WORD})(?!\p{L})`, 'u');
  // Findings by where they end, so the name just before a spelling is found without a search through all of them.
  const byEnd = new Map<number, NameDetection[]>();
  for (const d of found) if (d.cue !== 'spelled') byEnd.set(d.end, [...(byEnd.get(d.end) ?? []), d]);
  for (const run of found.filter((d) => d.cue === 'spelled')) {
    let gap = run.start;
    while (gap > 0 && /[\s,.-]/.test(text[gap - 1]!)) gap--;
    let first: NameDetection | undefined;
    for (let end = gap; end <= run.start && !first; end++) first = byEnd.get(end)?.find((d) => d.normalised.toLowerCase() === run.normalised.toLowerCase());
    const surname = text.slice(run.end).match(surnameAfter);
    if (!first || !surname || NOT_NAMES.has(surname[1]!.toLowerCase()) || (lowerCase && !isNameLike(surname[1]!))) continue;
    const end = run.end + surname[0].length;
    out.push({ type: 'name', start: first.start, end, normalised: `${first.normalised} ${surname[1]}`, score: 0.85, cue: first.cue });
  }
  return out;
}

/** What follows a person, not a place or a thing: "Annika from your billing team", "Sasha said", "Is Pilar available?". */
const PERSON_FOLLOWS = /^,?\s+(?:from (?:the|your|our|my|his|her|accounting|billing|sales|dispatch|scheduling|support|maintenance|hr|the front desk)\b|and (?:I|i|me)\b|(?:available|around|working|still|in today)\b|there\?|at the (?:front )?desk|in (?:billing|accounting|scheduling|sales|hr|dispatch|the office)\b|here|calling|speaking|said|says|told|called|asked|mentioned|recommended|quoted|(?:the|our|my|your) (?:guy|lady|woman|man|girl|tech|technician|manager|owner|receptionist|nurse|doctor|agent|rep|one|person) )/;

/** What only a person has: "Ellie's cleaning", "Jaylen's mom" (not "Lowe's" or "Bella's shots"). */
const PERSONAL_AFTER = /^\s+(?:mom|mother|dad|father|wife|husband|son|daughter|brother|sister|parents?|teacher|appointment|cleaning|checkup|check-up|session|class|prescription|surgery|physical|exam|chart|file|lesson|tutoring|school|therapy|voicemail|extension|cell|desk)\b/i;

/** A given name or a word in no list, in the possessive, before something only a person has. */
function ownerOf(text: string, start: number, word: string): NameDetection | null {
  const stem = word.match(/^(.+)['’]s$/)?.[1];
  if (!stem || !(isKnownFirst(stem, false) || isNameLike(stem)) || !PERSONAL_AFTER.test(text.slice(start + word.length))) return null;
  return make([{ start, end: start + stem.length, text: stem }], 'other', 0.75);
}

/**
 * Names with no cue: a known given name and a capitalised surname after it ("Marjorie Tate"),
 * or two words in a row that can only be names ("Deshawn Okafor").
 */
function plain(text: string): NameDetection[] {
  if (uncased(text)) return plainLowerCase(text);
  const out: NameDetection[] = [];
  // The end of a run of capitalised words already judged, so "Morgan Stanley" is not tried again as "Stanley".
  let judged = 0;
  for (const match of text.matchAll(new RegExp(String.raw`(?<![\p{L}'’])${WORD}(?!\p{L})`, 'gu'))) {
    if (match.index < judged) continue;
    const owner = ownerOf(text, match.index, match[0]);
    if (owner) {
      out.push(owner);
      continue;
    }
    const known = isKnownFirst(match[0], false);
    if (!known && !isNameLike(match[0]) && !isKnownFirst(match[0], true)) continue;
    const tokens = firstWords(readTokens(text, match.index, false), 2);
    if (tokens.length === 0 || tokens[0]!.start !== match.index) continue;
    judged = tokens[tokens.length - 1]!.end;
    // "San Diego", "near Kingsley Park", "the Franklin stove", "the Morgan Stanley statement": a
    // place or a product; but "the Anderson residence" is a family.
    const before = text.slice(Math.max(0, match.index - 30), match.index);
    if (PLACES_AND_BRANDS.has(before.match(/([A-Z][a-z]+)\s+$/)?.[1]?.toLowerCase() ?? '') || /\b(?:near|in|at|on|off|around|into|outside|behind|past|across|toward|towards)\s+$/i.test(before)) continue;
    if (/\b(?:the|a|an|these|those)\s+$/i.test(before) && !/^\s+(?:residence|family|household|estate)\b/i.test(text.slice(judged))) continue;
    if (businessFollows(text, judged)) continue;
    // Two names in a row, one of them perhaps in no list or an everyday word: "Xiomara Delgado-Ruiz", "Mark Stevens".
    const [a, b] = tokens.map((t) => t.text);
    const pair = b !== undefined && ((isNameOnly(a!) && isNameLike(b)) || ((isNameLike(a!) || isKnownFirst(a!, true)) && isNameOnly(b)));
    // "Rhiannon and I": whoever comes with "I" is a person, whatever the lists say.
    const follows = tokens.length === 1 && (((isNameOnly(a!) || isKnownFirst(a!, true)) && PERSON_FOLLOWS.test(text.slice(judged))) || (isNameLike(a!) && /^\s+and (?:I|i|me)\b/.test(text.slice(judged))));
    if (known || pair || follows) {
      out.push(make(tokens, 'plain', 0.75));
    }
  }
  return out;
}

/**
 * Speech-to-text without casing ("yeah this is stan kowalski"): a known given name that is no
 * everyday word, a given name followed by a word that is none ("mike kowalski", not "roger
 * that"), or two words in a row that can only be names.
 */
function plainLowerCase(text: string): NameDetection[] {
  const out: NameDetection[] = [];
  const tokens = [...text.matchAll(/\p{Ll}[\p{Ll}'’]*(?:-\p{Ll}+)?/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length, text: m[0] }));
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    // "san antonio", "fort collins": a place.
    if (i > 0 && PLACES_AND_BRANDS.has(tokens[i - 1]!.text)) continue;
    const adjacent = next !== undefined && /^\s+$/.test(text.slice(token.end, next.start));
    const surname = adjacent && isNameLike(next.text);
    if (isKnownFirst(token.text, false) && (surname || !ENGLISH_WORDS.has(token.text))) out.push(make(surname ? [token, next] : [token], 'plain', 0.7));
    // "rose said she'd be home", "bill from accounting": a given name that is also a word, doing what people do.
    else if (isKnownFirst(token.text, true) && PERSON_FOLLOWS.test(text.slice(token.end))) out.push(make([token], 'plain', 0.6));
    else if (surname && isNameOnly(token.text) && isNameOnly(next.text)) out.push(make([token, next], 'plain', 0.7));
    else continue;
    if (surname) i++;
  }
  return out;
}

/** "my dog Bella", "our cat, Luna": an animal's name is no personal data. */
const PET_BEFORE = /\b(?:dog|dogs|cat|cats|puppy|puppies|kitten|kittens|pet|pets|horse|pony|bird|parrot|rabbit|bunny|hamster|lab|labrador|retriever|poodle|terrier|shepherd|beagle|doodle|bulldog|husky|chihuahua)(?:'s name is| is named| named| called)?[,:]?\s*$/i;

/** `nameAsked`: the other speaker has just asked for a name or its spelling, so the answer is one. */
export function detectNames(text: string, nameAsked = false): NameDetection[] {
  const found = [...cued(text), ...signOff(text), ...addressed(text), ...spelled(text, nameAsked), ...plain(text), ...(nameAsked ? answered(text) : [])];
  return joinSpelledSurnames(text, found)
    .filter((d) => !PET_BEFORE.test(text.slice(Math.max(0, d.start - 40), d.start)))
    .map((d) => widen(text, d));
}

/** Particles inside names in more languages than the reading above knows: "bong dela cruz", "nguyen van thanh". */
const NAME_PARTICLES = new Set([...PARTICLES, 'dela', 'delos', 'de la', 'della', 'ibn', 'ben', 'bint', 'abu', 'el', 'ter', 'ten', 'op', 'mac', 'ap']);
const NEXT_WORD = /^([\s]+)(\p{L}[\p{L}'’]*(?:-\p{L}[\p{L}'’]*)*)/u;
const PREVIOUS_WORD = /(\p{L}[\p{L}'’]*(?:-\p{L}[\p{L}'’]*)*)([\s]+)$/u;

/** A word that is part of a name next to one already found: a name in the lists that is no everyday word. */
function nameWord(word: string): boolean {
  const lower = key(word);
  if (lower.length < 2 || NOT_NAMES.has(lower) || COMMON_WORDS.has(lower) || BUSINESS_WORDS.has(lower)) return false;
  if (word.includes('-')) return word.split('-').every((part) => nameWord(part));
  const listed = FIRST_NAMES.has(lower) || NAME_WORDS.has(lower);
  return listed && (!ENGLISH_WORDS.has(lower) || (CAPITALISED.test(word) && FIRST_NAMES.has(lower)));
}

/**
 * A name found in part takes the name words next to it: a second given name, a second
 * surname, a particle and what follows it ("maria josé hernández-lópez", "evangelina cruz").
 * When unsure, redact: a surname left beside a placeholder still names the person.
 */
function widen(text: string, d: NameDetection): NameDetection {
  if (d.cue === 'repeat') return d;
  let { start, end } = d;
  for (let taken = 0; taken < 3; taken++) {
    const next = text.slice(end, end + 60).match(NEXT_WORD);
    if (!next) break;
    const word = next[2]!;
    const particle = NAME_PARTICLES.has(word.toLowerCase());
    const after = particle ? text.slice(end + next[0].length, end + next[0].length + 40).match(NEXT_WORD) : null;
    if (particle && after && nameWord(after[2]!)) end += next[0].length + after[0].length;
    else if (nameWord(word)) end += next[0].length;
    else break;
  }
  for (let taken = 0; taken < 2; taken++) {
    const previous = text.slice(Math.max(0, start - 40), start).match(PREVIOUS_WORD);
    if (!previous || !nameWord(previous[1]!) || !(FIRST_NAMES.has(key(previous[1]!)) || NAME_WORDS.has(key(previous[1]!)))) break;
    // "it's maria josé ...": only a given name before a name, not a word a cue ended on.
    if (!isKnownFirst(previous[1]!, true)) break;
    start -= previous[0].length;
  }
  if (start === d.start && end === d.end) return d;
  return { ...d, start, end, normalised: titleCase(text.slice(start, end).split(/\s+/)) };
}

/** A name as a list of words and what separates them ("Ellis-Ward" is Ellis, "-", Ward). */
type KnownName = { name: string; words: string[]; gaps: string[]; exactCase: boolean };

const NAME_PIECE = /[\p{L}'’]+/gu;

function knownName(name: string): KnownName {
  const words = name.match(NAME_PIECE) ?? [];
  const gaps = name.split(NAME_PIECE).slice(1, -1).map((gap) => (/^\s+$/.test(gap) ? ' ' : gap));
  // "Mark" found once is not every "mark" in the call: a name that is also a word repeats only capitalised.
  return { name, words, gaps, exactCase: ENGLISH_WORDS.has(name.toLowerCase()) };
}

/** Names already found in a call, by their first word, for finding them again. */
export type KnownNames = { byFirst: Map<string, KnownName[]>; lower: Set<string> };

/** Indexes a call's names once, so each turn is read once however many names the call holds. */
export function knownNames(names: Iterable<string>): KnownNames {
  const byFirst = new Map<string, KnownName[]>();
  const lower = new Set<string>();
  for (const name of names) {
    lower.add(name.toLowerCase());
    const entry = knownName(name);
    if (entry.words.length === 0) continue;
    const first = entry.words[0]!.toLowerCase();
    byFirst.set(first, [...(byFirst.get(first) ?? []), entry]);
  }
  return { byFirst, lower };
}

/** Further mentions of names already found in the call ("Maria" after "Maria Gonzalez"). */
export function detectRepeats(text: string, known: KnownNames): NameDetection[] {
  const out: NameDetection[] = [];
  const pieces = [...text.matchAll(NAME_PIECE)];
  for (let i = 0; i < pieces.length; i++) {
    for (const entry of known.byFirst.get(pieces[i]![0].toLowerCase()) ?? []) {
      const end = matchesAt(text, pieces, i, entry);
      // "Carl Hughes from Hughes Dental": the second Hughes names the business.
      if (end === null || businessFollows(text, end)) continue;
      // Lowest score: where a cue found the same span, the cue says more about whose name it is.
      out.push({ type: 'name', start: pieces[i]!.index, end, normalised: entry.name, score: 0.5, cue: 'repeat' });
    }
  }
  for (const run of spelledRuns(text)) {
    if (known.lower.has(run.word.toLowerCase())) out.push({ type: 'name', start: run.start, end: run.end, normalised: run.word, score: 0.85, cue: 'spelled' });
  }
  return out;
}

/** Where the known name ends if it is said from word \`i\` on, else null. */
function matchesAt(text: string, pieces: RegExpExecArray[], i: number, entry: KnownName): number | null {
  for (let k = 0; k < entry.words.length; k++) {
    const piece = pieces[i + k];
    if (!piece) return null;
    const word = entry.words[k]!;
    if (entry.exactCase ? piece[0] !== word : piece[0].toLowerCase() !== word.toLowerCase()) return null;
    if (k > 0) {
      const gap = text.slice(pieces[i + k - 1]!.index + pieces[i + k - 1]![0].length, piece.index);
      if (entry.gaps[k - 1] === ' ' ? !/^\s+$/.test(gap) : gap !== entry.gaps[k - 1]) return null;
    }
  }
  const last = pieces[i + entry.words.length - 1]!;
  return last.index + last[0].length;
}
