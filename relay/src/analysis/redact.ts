// PII redaction of texts and call transcripts. Each finding is replaced with a typed,
// numbered placeholder ("[NAME_1]", "[PHONE_1]"); the same value gets the same placeholder
// throughout a call, so a model reading the pseudonymised transcript can still tell who is
// who, and the relay can put the caller's real name and email back locally afterwards.
import type { Turn } from '../calls/model.ts';
import type { PiiType, RedactionReport } from './insights.ts';
import { detectAddresses } from './pii/addresses.ts';
import { detectEmails } from './pii/emails.ts';
import type { Detection } from './pii/entity.ts';
import { ASKS_NAME, detectNames, detectRepeats, knownNames, type NameCue, type NameDetection } from './pii/names.ts';
import { detectNumbers } from './pii/numbers.ts';
import { residualRisks } from './pii/residual.ts';

export type RedactedEntity = {
  type: PiiType;
  /** Index of the turn it was found in, or null for a plain text. */
  turn: number | null;
  /** Character span in the original text. */
  start: number;
  end: number;
  placeholder: string;
  /** The text as it appeared. Kept in memory only: never stored, logged or sent. */
  value: string;
  /** Canonical value: E.164 phone, written email, digits, the name as said. */
  normalised: string;
  /** For names: how it was found (self-introduction, third person, greeting...). */
  cue: NameCue | null;
};

/** What redaction found, as plain data: it crosses from the analysis thread to the main one. */
export type Redaction = {
  turns: Turn[];
  entities: RedactedEntity[];
  report: RedactionReport;
  /** Each placeholder and the value it stands for. */
  values: [string, string][];
};

export type RedactedTranscript = Redaction & {
  /** Replaces placeholders in a model's answer with the values they stand for. */
  restore(text: string): string;
  /** The value a placeholder stands for, if it is one of this call's placeholders. */
  valueOf(placeholder: string): string | null;
};

/** When two findings overlap, the more specific kind wins: an email contains a name, a card a phone-length run. */
const PRIORITY: Record<PiiType, number> = { email: 0, card: 1, ssn: 2, phone: 3, address: 4, name: 5 };

function detectAll(text: string, nameAsked: boolean): (Detection | NameDetection)[] {
  return [...detectEmails(text), ...detectNumbers(text), ...detectAddresses(text), ...detectNames(text, nameAsked)];
}

function overlapsTaken(taken: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (taken[i] === 1) return true;
  return false;
}

/**
 * Keeps non-overlapping findings, preferring the more specific type, then the longer span.
 * Which characters are taken is kept per character, so each finding costs its own length.
 */
function resolve<T extends Detection>(found: T[], length: number): T[] {
  const ordered = [...found].sort((a, b) => PRIORITY[a.type] - PRIORITY[b.type] || b.end - b.start - (a.end - a.start) || b.score - a.score);
  const taken = new Uint8Array(length);
  const kept: T[] = [];
  for (const candidate of ordered) {
    if (overlapsTaken(taken, candidate.start, candidate.end)) continue;
    taken.fill(1, candidate.start, candidate.end);
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Numbers placeholders per type and remembers which value each one stands for. */
class Placeholders {
  private readonly byKey = new Map<string, string>();
  private readonly values = new Map<string, string>();
  private readonly counts = new Map<PiiType, number>();
  /** Name words already given a placeholder, so "Maria" reuses "Maria Gonzalez"'s. */
  private readonly nameParts = new Map<string, string>();

  for(type: PiiType, normalised: string): string {
    const key = `${type}:${normalised.toLowerCase()}`;
    const known = this.byKey.get(key) ?? (type === 'name' ? this.nameMatch(normalised) : undefined);
    if (known) return known;
    const n = (this.counts.get(type) ?? 0) + 1;
    this.counts.set(type, n);
    const placeholder = `[${type.toUpperCase()}_${n}]`;
    this.byKey.set(key, placeholder);
    this.values.set(placeholder, normalised);
    if (type === 'name') for (const part of normalised.toLowerCase().split(/\s+/)) if (!this.nameParts.has(part)) this.nameParts.set(part, placeholder);
    return placeholder;
  }

  /**
   * The placeholder of a name this one is a shorter or longer form of: "Maria" after "Maria
   * Gonzalez", or "Maria Gonzalez" after "Maria". "Maria Lopez" is someone else.
   */
  private nameMatch(normalised: string): string | undefined {
    const parts = normalised.toLowerCase().split(/\s+/);
    const matches = new Set(parts.map((p) => this.nameParts.get(p)).filter((p): p is string => p !== undefined));
    if (matches.size !== 1) return undefined;
    const placeholder = [...matches][0]!;
    const known = (this.values.get(placeholder) ?? '').toLowerCase().split(/\s+/);
    const shorter = parts.every((p) => known.includes(p));
    const longer = known.every((p) => parts.includes(p));
    if (!shorter && !longer) return undefined;
    // The longest form of the name is kept as its value.
    if (longer) this.values.set(placeholder, normalised);
    for (const part of parts) if (!this.nameParts.has(part)) this.nameParts.set(part, placeholder);
    return placeholder;
  }

  entries(): [string, string][] {
    return [...this.values];
  }
}

function replace(text: string, kept: { start: number; end: number; placeholder: string }[]): string {
  let out = '';
  let position = 0;
  for (const entity of kept) {
    out += text.slice(position, entity.start) + entity.placeholder;
    position = entity.end;
  }
  return out + text.slice(position);
}

function report(entities: RedactedEntity[], redactedTexts: string[]): RedactionReport {
  const counts: Partial<Record<PiiType, number>> = {};
  for (const entity of entities) counts[entity.type] = (counts[entity.type] ?? 0) + 1;
  const risks = redactedTexts.reduce((sum, text) => sum + residualRisks(text), 0);
  // Nothing found and nothing suspicious is the best case, never certainty: rule-based
  // detection misses what it has no rule for.
  const confidence = Math.max(0, Math.min(0.98, 0.98 - risks));
  return { counts, confidence: Math.round(confidence * 100) / 100 };
}

/** Redacts a whole call, so a value keeps one placeholder across turns. */
export function redactTranscript(turns: Turn[]): RedactedTranscript {
  return withLookups(redaction(turns));
}

/** The placeholder lookups over a redaction's values. */
export function withLookups(found: Redaction): RedactedTranscript {
  const values = new Map(found.values);
  const valueOf = (placeholder: string) => values.get(placeholder.trim()) ?? null;
  return {
    ...found,
    restore: (text) => text.replace(/\[(?:NAME|PHONE|EMAIL|CARD|SSN|ADDRESS)_\d+\]/g, (p) => valueOf(p) ?? p),
    valueOf,
  };
}

/** Redacts a whole call into plain data. */
export function redaction(turns: Turn[]): Redaction {
  const found = turns.map((turn, i) => {
    const previous = turns[i - 1];
    return detectAll(turn.text, previous !== undefined && previous.speaker !== turn.speaker && ASKS_NAME.test(previous.text));
  });
  // Names found with a cue anywhere in the call are redacted wherever they are mentioned again.
  const known = new Set<string>();
  for (const list of found) {
    for (const d of list) {
      if (d.type !== 'name') continue;
      // Titles ("Mrs.") are not part of what is searched for again; the surname is.
      const parts = d.normalised.split(/\s+/).filter((part) => part.length >= 3 && /^[A-Z][a-z'’]/.test(part) && !part.endsWith('.'));
      for (const part of parts) known.add(part);
      if (parts.length > 1) known.add(parts.join(' '));
    }
  }
  const repeats = knownNames(known);
  const placeholders = new Placeholders();
  const entities: RedactedEntity[] = [];
  const redactedTurns = turns.map((turn, index) => {
    const kept = resolve([...found[index]!, ...detectRepeats(turn.text, repeats)], turn.text.length).map((d) => {
      const placeholder = placeholders.for(d.type, d.normalised);
      const entity: RedactedEntity = {
        type: d.type,
        turn: index,
        start: d.start,
        end: d.end,
        placeholder,
        value: turn.text.slice(d.start, d.end),
        normalised: d.normalised,
        cue: d.type === 'name' && 'cue' in d ? (d as NameDetection).cue : null,
      };
      entities.push(entity);
      return entity;
    });
    return { ...turn, text: replace(turn.text, kept) };
  });
  return { turns: redactedTurns, entities, report: report(entities, redactedTurns.map((t) => t.text)), values: placeholders.entries() };
}

/** Redacts one text on its own. */
export function redactText(text: string): { text: string; entities: RedactedEntity[]; report: RedactionReport } {
  const result = redactTranscript([{ speaker: 'caller', text, startMs: null }]);
  return { text: result.turns[0]!.text, entities: result.entities.map((e) => ({ ...e, turn: null })), report: result.report };
}
