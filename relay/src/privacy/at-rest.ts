// Which stored fields are personal, and how they are sealed on the way into the store and opened
// on the way out. The store keeps its shape (the same JSON keys, so SQL that asks "has this event a
// transcript?" still works); only the values that carry words or numbers a person said are
// replaced by sealed strings: transcripts and utterances, platform summaries, phone numbers,
// recording links, the caller's name, email, summary, next action and notes, the whole outbox
// snapshot and every dry-run request.
//
// The relay registers its key ring on its store once (`protectAtRest`); every module that reads
// or writes those fields asks `atRest(db)`. A store nobody registered (a unit test of one stage)
// reads and writes plain values; reads always accept both, so a store written before encryption
// stays readable.
import type { Db } from '../store/db.ts';
import { KeyRing } from './encryption.ts';

export class FieldCipher {
  readonly ring: KeyRing | undefined;

  constructor(ring: KeyRing | undefined) {
    this.ring = ring;
  }

  text<T extends string | null | undefined>(value: T): T {
    return (this.ring && typeof value === 'string' ? this.ring.seal(value) : value) as T;
  }

  /** Seals a value unless it already is (a stored value moved to another column as it is). */
  resealed<T extends string | null | undefined>(value: T): T {
    return KeyRing.isSealed(value) ? value : this.text(value);
  }

  openText<T>(value: T): T {
    return (this.ring && KeyRing.isSealed(value) ? this.ring.open(value) : value) as T;
  }

  /** Any JSON value as one sealed string (arrays and objects whose inner shape nobody queries). */
  json(value: unknown): unknown {
    return this.ring && value !== undefined && value !== null ? this.ring.seal(JSON.stringify(value)) : value;
  }

  openJson<T = unknown>(value: unknown): T {
    return (this.ring && KeyRing.isSealed(value) ? JSON.parse(this.ring.open(value)) : value) as T;
  }

  /**
   * A batch of webhook events as stored in intake.body: one JSON array sealed whole, which costs
   * one encryption per batch where sealing field by field would cost several per event. The
   * events come serialised one by one (each webhook's own, so one that cannot be never fails the
   * others stored with it).
   */
  batch(serialisedEvents: string[]): string {
    const text = `[${serialisedEvents.join(',')}]`;
    return this.ring ? this.ring.seal(text) : text;
  }

  openBatch<E>(body: string): E[] {
    return this.openSealedJson<E[]>(body);
  }

  /** Any JSON value as one text, sealed: for text columns that keep a whole payload (the quarantine). */
  sealedJson(value: unknown): string {
    const text = JSON.stringify(value);
    return this.ring ? this.ring.seal(text) : text;
  }

  openSealedJson<T>(text: string): T {
    return JSON.parse(this.ring && KeyRing.isSealed(text) ? this.ring.open(text) : text) as T;
  }

  /** The personal columns of a calls row. */
  callRow<R extends { from_number: string | null; to_number: string | null; recording_url: string | null }>(row: R): R {
    return { ...row, from_number: this.openText(row.from_number), to_number: this.openText(row.to_number), recording_url: this.openText(row.recording_url) };
  }

  /** A webhook event as stored in call_events.payload. */
  event<E extends Record<string, unknown>>(event: E): E {
    if (!this.ring) return event;
    const out: Record<string, unknown> = { ...event };
    const call = event.call as Record<string, unknown> | undefined;
    if (call) out.call = { ...call, from: this.text(call.from as string | undefined), to: this.text(call.to as string | undefined), recordingUrl: this.text(call.recordingUrl as string | undefined) };
    const turn = event.turn as Record<string, unknown> | undefined;
    if (turn) out.turn = { ...turn, text: this.text(turn.text as string) };
    if ('transcript' in event) out.transcript = this.json(event.transcript);
    if ('vendor' in event) out.vendor = this.json(event.vendor);
    return out as E;
  }

  openEvent<E>(payload: E): E {
    const event = payload as Record<string, unknown>;
    const out: Record<string, unknown> = { ...event };
    const call = event.call as Record<string, unknown> | undefined;
    if (call) out.call = { ...call, from: this.openText(call.from), to: this.openText(call.to), recordingUrl: this.openText(call.recordingUrl) };
    const turn = event.turn as Record<string, unknown> | undefined;
    if (turn) out.turn = { ...turn, text: this.openText(turn.text) };
    if ('transcript' in event) out.transcript = this.openJson(event.transcript);
    if ('vendor' in event) out.vendor = this.openJson(event.vendor);
    return out as E;
  }

  /**
   * An analysis result as stored in calls.analysis: intent, disposition, tags, stage and the
   * confidences stay readable (the console filters and reports on them); the words do not.
   */
  analysis<A>(result: A): A {
    if (!this.ring || result === null || typeof result !== 'object') return result;
    const out: Record<string, unknown> = { ...(result as Record<string, unknown>) };
    if ('redactedTranscript' in out) out.redactedTranscript = this.json(out.redactedTranscript);
    const insights = out.insights as Record<string, unknown> | null | undefined;
    if (insights) {
      out.insights = {
        ...insights,
        callerName: this.text(insights.callerName as string | null),
        callerEmail: this.text(insights.callerEmail as string | null),
        summary: this.json(insights.summary),
        nextAction: this.text(insights.nextAction as string | null),
        qualificationNotes: this.text(insights.qualificationNotes as string | null),
      };
    }
    return out as A;
  }

  openAnalysis<A>(stored: A): A {
    if (stored === null || typeof stored !== 'object') return stored;
    const out: Record<string, unknown> = { ...(stored as Record<string, unknown>) };
    if ('redactedTranscript' in out) out.redactedTranscript = this.openJson(out.redactedTranscript);
    const insights = out.insights as Record<string, unknown> | null | undefined;
    if (insights) {
      out.insights = {
        ...insights,
        callerName: this.openText(insights.callerName),
        callerEmail: this.openText(insights.callerEmail),
        summary: this.openJson(insights.summary),
        nextAction: this.openText(insights.nextAction),
        qualificationNotes: this.openText(insights.qualificationNotes),
      };
    }
    return out as A;
  }
}

const registered = new WeakMap<Db, FieldCipher>();
const plain = new FieldCipher(undefined);

/** Seals personal fields in this store with the key ring from now on. */
export function protectAtRest(db: Db, ring: KeyRing): FieldCipher {
  const cipher = new FieldCipher(ring);
  registered.set(db, cipher);
  return cipher;
}

export function atRest(db: Db): FieldCipher {
  return registered.get(db) ?? plain;
}
