// The call store: webhook events in, merged call rows and their history out.
import type { Db, Sql } from '../store/db.ts';
import { statusRank, TERMINAL_RANK, type IngestEvent, type StreamedTurn } from '../ingest/event.ts';
import type { Turn } from './model.ts';
import type { VendorAnalysis } from '../ingest/event.ts';
import { atRest } from '../privacy/at-rest.ts';
import { describeError, isTransient, quarantine } from './quarantine.ts';

export type CallRow = {
  id: string;
  provider: string;
  agent_id: string | null;
  direction: 'inbound' | 'outbound';
  from_number: string | null;
  to_number: string | null;
  status: string | null;
  stage: string;
  started_at: Date | null;
  ended_at: Date | null;
  duration_seconds: number | null;
  recording_url: string | null;
  consent: boolean | null;
  transcript_done: boolean;
  recording_done: boolean;
  finalise_after: Date | null;
  finalise_attempts: number;
  last_error: string | null;
  analysis: unknown;
  created_at: Date;
  updated_at: Date;
};

/**
 * What became of a received event: merged, a repeat of one already stored, dropped because its
 * call was deleted (the call's row is its tombstone), or quarantined because it failed alone.
 */
export type Accepted = 'accepted' | 'duplicate' | 'dropped' | 'quarantined';

/** `quarantined`: events set aside alone; `unreadable`: batches set aside whole, as they could not be opened. */
export type Imported = { merged: IngestEvent[]; duplicates: number; dropped: number; quarantined: number; unreadable: number; more: boolean };

type Received = { event: IngestEvent; at: Date };

// Merges a batch's folded patches into their calls in one statement: values only move forward
// (status by rank, first-seen numbers kept, earliest start, latest end), and `completed`
// schedules finalisation after the grace window, or at once when the transcript and recording
// are both in. Calls new to the store were inserted as blank rows just before.
const MERGE = `
update calls c set
  agent_id = coalesce(c.agent_id, i.agent_id),
  direction = coalesce(i.direction, c.direction),
  from_number = coalesce(c.from_number, i.from_number),
  to_number = coalesce(c.to_number, i.to_number),
  status = case when i.status_rank > c.status_rank then i.status else c.status end,
  status_rank = greatest(c.status_rank, i.status_rank),
  stage = case when c.stage = 'open' and i.status_rank >= ${TERMINAL_RANK} then 'completed' else c.stage end,
  started_at = least(c.started_at, i.started_at),
  ended_at = greatest(c.ended_at, i.ended_at),
  duration_seconds = greatest(c.duration_seconds, i.duration_seconds),
  recording_url = coalesce(i.recording_url, c.recording_url),
  consent = coalesce(i.consent, c.consent),
  transcript_done = c.transcript_done or i.transcript_done,
  recording_done = c.recording_done or i.recording_done,
  finalise_after = case
    when greatest(c.status_rank, i.status_rank) < ${TERMINAL_RANK} then null
    when (c.transcript_done or i.transcript_done) and (c.recording_done or i.recording_done)
      then least(coalesce(c.finalise_after, now()), now())
    else coalesce(c.finalise_after, now() + make_interval(secs => $16::float8)) end,
  updated_at = now()
from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
            $9::timestamptz[], $10::timestamptz[], $11::int[], $12::text[], $13::boolean[], $14::boolean[], $15::boolean[])
  as i(id, provider, agent_id, direction, from_number, to_number, status, status_rank,
       started_at, ended_at, duration_seconds, recording_url, consent, transcript_done, recording_done)
where c.id = i.id and c.stage <> 'deleted'
returning c.id, c.stage`;

/** One call's events from one batch, folded with the same forward-only rules MERGE applies. */
type Patch = {
  callId: string;
  provider: string;
  agentId: string | null;
  direction: string | null;
  from: string | null;
  to: string | null;
  status: string | null;
  rank: number;
  startedAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  recordingUrl: string | null;
  consent: boolean | null;
  transcriptDone: boolean;
  recordingDone: boolean;
  history: string[];
};

const earliest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : Date.parse(b) < Date.parse(a) ? b : a);
const latest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : Date.parse(b) > Date.parse(a) ? b : a);

export function fold(events: IngestEvent[]): Patch[] {
  const patches = new Map<string, Patch>();
  for (const event of events) {
    const c = event.call;
    let p = patches.get(event.callId);
    if (!p) {
      p = { callId: event.callId, provider: event.provider, agentId: null, direction: null, from: null, to: null, status: null, rank: -1, startedAt: null, endedAt: null, durationSeconds: null, recordingUrl: null, consent: null, transcriptDone: false, recordingDone: false, history: [] };
      patches.set(event.callId, p);
    }
    p.agentId ??= c.agentId ?? null;
    p.from ??= c.from ?? null;
    p.to ??= c.to ?? null;
    p.direction = c.direction ?? p.direction;
    if (c.status && statusRank[c.status] > p.rank) {
      p.status = c.status;
      p.rank = statusRank[c.status];
    }
    p.startedAt = earliest(p.startedAt, c.startedAt ?? null);
    p.endedAt = latest(p.endedAt, c.endedAt ?? null);
    if (c.durationSeconds != null) p.durationSeconds = Math.max(p.durationSeconds ?? 0, c.durationSeconds);
    p.recordingUrl = c.recordingUrl ?? p.recordingUrl;
    p.consent = c.consent ?? p.consent;
    p.transcriptDone ||= c.transcriptDone ?? false;
    p.recordingDone ||= c.recordingDone ?? false;
    // Utterances would flood the history; everything else is worth seeing there.
    if (event.event !== 'transcript:content' && event.event !== 'transcript:interim') p.history.push(event.event);
  }
  return [...patches.values()];
}

export class CallStore {
  readonly db: Db;
  graceSeconds: number;

  constructor(db: Db, graceSeconds: number) {
    this.db = db;
    this.graceSeconds = graceSeconds;
  }

  /**
   * Stores a batch of acknowledged webhooks as one row, the batch sealed whole: all a webhook
   * waits for. Deduplication and the merge into the calls' rows happen in `importIntake`.
   */
  async receive(events: IngestEvent[]): Promise<void> {
    await this.receiveSerialised(events.map((event) => JSON.stringify(event)));
  }

  /** `receive` for events already serialised to JSON, each alone. */
  async receiveSerialised(events: string[]): Promise<void> {
    await this.db.query('insert into intake (events, body) values ($1, $2)', [events.length, atRest(this.db).batch(events)]);
  }

  /**
   * Moves the oldest waiting batches, about `limit` events, into call_events and merges the new
   * ones into their calls, in one transaction that also deletes the batches: a crash at any point
   * leaves each event either waiting or merged. Safe to run in several relay instances at once:
   * each takes different batches, and a call's row only moves forward whatever order its events
   * come in. `more` says whether batches were left waiting.
   */
  async importIntake(limit = 500): Promise<Imported> {
    return this.db.tx(async (sql) => {
      // A batch holds at least one event, so `limit` batches always cover `limit` events. Only
      // the batches taken are read whole, as they are deleted.
      const rows = await sql.query<{ id: string; events: number }>('select id, events from intake order by id limit $1 for update skip locked', [limit]);
      let taken = 0;
      let events = 0;
      while (taken < rows.length && (taken === 0 || events + rows[taken]!.events <= limit)) events += rows[taken++]!.events;
      if (taken === 0) return { merged: [], duplicates: 0, dropped: 0, quarantined: 0, unreadable: 0, more: false };
      const batches = await sql.query<{ id: string; received_at: Date; body: string; events: number }>(
        'delete from intake where id = any($1::bigint[]) returning id, received_at, body, events',
        [rows.slice(0, taken).map((b) => b.id)],
      );
      batches.sort((a, b) => Number(a.id) - Number(b.id));
      const fields = atRest(this.db);
      const received: Received[] = [];
      let unreadable = 0;
      for (const b of batches) {
        try {
          for (const event of fields.openBatch<IngestEvent>(b.body)) received.push({ event, at: b.received_at });
        } catch (error) {
          // A batch that cannot be opened (its key is gone, its text damaged) is kept exactly as stored.
          await quarantine(sql, this.db, { kind: 'batch', callId: null, source: 'intake', error: `batch could not be read: ${describeError(error)}`, sealedPayload: b.body });
          unreadable += 1;
        }
      }
      const results = await this.applyIsolating(sql, received);
      const merged = received.filter((_, i) => results[i] === 'accepted').map((r) => r.event);
      const count = (what: Accepted) => results.filter((r) => r === what).length;
      return { merged, duplicates: count('duplicate'), dropped: count('dropped'), quarantined: count('quarantined'), unreadable, more: rows.length > taken || rows.length === limit };
    });
  }

  /**
   * `apply`, with an event that fails set aside rather than failing the others: on a failure the
   * events are split in halves, each tried again from a savepoint, until the failing event is
   * alone; it is quarantined with its error and the rest are merged. A failure that says nothing
   * about the data (the connection, a deadlock) fails the whole import, to be tried again.
   */
  private async applyIsolating(sql: Sql, received: Received[]): Promise<Accepted[]> {
    if (received.length === 0) return [];
    await sql.query('savepoint import');
    try {
      return await this.apply(sql, received);
    } catch (error) {
      if (isTransient(error)) throw error;
      await sql.query('rollback to savepoint import');
      if (received.length === 1) {
        const { event } = received[0]!;
        await quarantine(sql, this.db, { kind: 'event', callId: event.callId, source: event.provider, error: describeError(error), payload: event });
        return ['quarantined'];
      }
      const half = Math.ceil(received.length / 2);
      return [...(await this.applyIsolating(sql, received.slice(0, half))), ...(await this.applyIsolating(sql, received.slice(half)))];
    }
  }

  /** Events acknowledged and not yet merged: those waiting in intake. */
  async backlog(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('select coalesce(sum(events), 0)::int as n from intake');
    return row?.n ?? 0;
  }

  /** Stores and merges at once, for tools and tests that need the call's row straight away. */
  async record(events: IngestEvent[]): Promise<Accepted[]> {
    return this.db.tx((sql) => this.apply(sql, events.map((event) => ({ event, at: new Date() }))));
  }

  /**
   * Keeps each (call, event, sequence) once, the first time it is seen, and merges those into
   * their calls; a repeat, in this batch or from before, is a duplicate.
   */
  private async apply(sql: Sql, received: Received[]): Promise<Accepted[]> {
    const fields = atRest(this.db);
    const rows = await sql.query<{ call_id: string; event: string; sequence: string }>(
      `insert into call_events (call_id, event, sequence, provider, received_at, payload, applied)
       select *, true from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
       on conflict do nothing returning call_id, event, sequence`,
      [
        received.map((r) => r.event.callId),
        received.map((r) => r.event.event),
        received.map((r) => r.event.sequence),
        received.map((r) => r.event.provider),
        received.map((r) => r.at),
        received.map((r) => JSON.stringify(fields.event(r.event))),
      ],
    );
    const key = (callId: string, event: string, sequence: string) => `${callId}\u0000${event}\u0000${sequence}`;
    const inserted = new Set(rows.map((r) => key(r.call_id, r.event, r.sequence)));
    const seen = new Set<string>();
    const results = received.map(({ event: e }): Accepted => {
      const k = key(e.callId, e.event, e.sequence);
      const first = inserted.has(k) && !seen.has(k);
      seen.add(k);
      return first ? 'accepted' : 'duplicate';
    });
    const fresh = received.filter((_, i) => results[i] === 'accepted').map((r) => r.event);
    const deleted = fresh.length > 0 ? await this.merge(sql, fold(fresh)) : [];
    if (deleted.length === 0) return results;
    // A deleted call stays deleted: its tombstone drops every later event, also one that was
    // waiting in intake when the call was deleted.
    await sql.query('delete from call_events where call_id = any($1::text[])', [deleted]);
    const gone = new Set(deleted);
    return results.map((result, i) => (gone.has(received[i]!.event.callId) ? 'dropped' : result));
  }

  /**
   * Merges events stored by a relay from before the intake table, which acknowledged each event
   * as a call_events row and merged it later: any a stopped relay left unmerged are merged at start.
   */
  async mergeUnapplied(limit = 500): Promise<number> {
    return this.db.tx(async (sql) => {
      const rows = await sql.query<{ seq: string; payload: IngestEvent }>(
        `select seq, payload from call_events where not applied order by seq limit $1 for update skip locked`,
        [limit],
      );
      if (rows.length === 0) return 0;
      await this.merge(sql, fold(rows.map((row) => row.payload)));
      await sql.query('update call_events set applied = true where seq = any($1::bigint[])', [rows.map((r) => r.seq)]);
      return rows.length;
    });
  }

  /** Merges patches into their calls; returns the ids of deleted calls, which nothing merges into. */
  private async merge(sql: Sql, patches: Patch[]): Promise<string[]> {
    const fields = atRest(this.db);
    const ids = patches.map((p) => p.callId);
    const before = new Map(
      (await sql.query<{ id: string; stage: string }>('select c.id, c.stage from unnest($1::text[]) as i(id) join calls c on c.id = i.id for update of c', [ids])).map((r) => [r.id, r.stage]),
    );
    await sql.query(
      `insert into calls (id, provider) select * from unnest($1::text[], $2::text[]) on conflict do nothing`,
      [ids, patches.map((p) => p.provider)],
    );
    const after = await sql.query<{ id: string; stage: string }>(MERGE, [
      ids,
      patches.map((p) => p.provider),
      patches.map((p) => p.agentId),
      patches.map((p) => p.direction),
      patches.map((p) => fields.resealed(p.from)),
      patches.map((p) => fields.resealed(p.to)),
      patches.map((p) => p.status),
      patches.map((p) => p.rank),
      patches.map((p) => p.startedAt),
      patches.map((p) => p.endedAt),
      patches.map((p) => p.durationSeconds),
      patches.map((p) => fields.resealed(p.recordingUrl)),
      patches.map((p) => p.consent),
      patches.map((p) => p.transcriptDone),
      patches.map((p) => p.recordingDone),
      this.graceSeconds,
    ]);
    const history: [string, string, string][] = [];
    for (const { id, stage } of after) {
      const patch = patches.find((p) => p.callId === id);
      for (const event of patch?.history ?? []) history.push([id, stage, event]);
      const was = before.get(id) ?? 'new';
      if (was !== stage) history.push([id, stage, `stage ${was} -> ${stage}`]);
    }
    if (history.length > 0) {
      await sql.query(`insert into call_history (call_id, stage, detail) select * from unnest($1::text[], $2::text[], $3::text[])`, [
        history.map((h) => h[0]),
        history.map((h) => h[1]),
        history.map((h) => h[2]),
      ]);
    }
    const updated = new Set(after.map((r) => r.id));
    return ids.filter((id) => !updated.has(id));
  }

  async get(callId: string): Promise<CallRow | undefined> {
    const [row] = await this.db.query<CallRow>('select * from calls where id = $1', [callId]);
    return row && atRest(this.db).callRow(row);
  }

  async history(callId: string): Promise<{ at: Date; stage: string; detail: string | null }[]> {
    return this.db.query('select at, stage, detail from call_history where call_id = $1 order by id', [callId]);
  }

  /**
   * Takes calls whose finalisation is due, leasing them so another instance leaves them alone;
   * `owner` (store/leases.ts) lets the lease be released as soon as its holder dies. A row that
   * cannot be read (a sealed number whose key is gone) is quarantined rather than failing the
   * claim of every call taken with it.
   */
  async claimDue(limit: number, leaseSeconds: number, owner: number | null = null): Promise<CallRow[]> {
    const rows = await this.db.query<CallRow>(
      `update calls set lease_until = now() + make_interval(secs => $2::float8), lease_owner = $3, finalise_attempts = finalise_attempts + 1
       where id in (select id from calls where stage = 'completed' and finalise_after <= now()
                    and (lease_until is null or lease_until < now())
                    order by finalise_after limit $1 for update skip locked)
       returning *`,
      [limit, leaseSeconds, owner],
    );
    const readable: CallRow[] = [];
    for (const row of rows) {
      try {
        readable.push(atRest(this.db).callRow(row));
      } catch (error) {
        await this.quarantineCall(row.id, row.provider, `call could not be read: ${describeError(error)}`);
      }
    }
    return readable;
  }

  /**
   * Sets a call aside: its finalisation failed for a reason of its own. It stays in the store as
   * it is (stage 'quarantined', the error in last_error and the quarantine), never claimed again.
   */
  async quarantineCall(callId: string, provider: string, error: string): Promise<void> {
    await this.db.tx(async (sql) => {
      await sql.query(`update calls set stage = 'quarantined', lease_until = null, finalise_after = null, last_error = $2, updated_at = now() where id = $1`, [callId, error]);
      await quarantine(sql, this.db, { kind: 'call', callId, source: provider, error });
      await sql.query('insert into call_history (call_id, stage, detail) values ($1, $2, $3)', [callId, 'quarantined', `quarantined: ${error}`]);
    });
  }

  /** The transcript: the platform's whole one if it sent it, else the streamed utterances in order. */
  async transcript(callId: string, startedAt: Date | null = null): Promise<{ turns: Turn[]; vendor: VendorAnalysis | null }> {
    const rows = await this.db.query<{ payload: IngestEvent; received_at: Date }>(
      `select payload, received_at from call_events where call_id = $1 and (event = 'transcript:content' or payload ? 'transcript' or payload ? 'vendor')
       order by received_at, seq`,
      [callId],
    );
    let whole: Turn[] | null = null;
    let vendor: VendorAnalysis | null = null;
    const streamed: StreamedTurn[] = [];
    for (const { payload: stored } of rows) {
      const payload = atRest(this.db).openEvent(stored);
      if (payload.transcript) whole = payload.transcript;
      if (payload.vendor) vendor = payload.vendor;
      if (payload.turn) streamed.push(payload.turn);
    }
    // Streamed utterances carry the time they were heard; offsets need the call's start.
    const offset = (at: string | null | undefined) => (at && startedAt ? Math.max(0, Date.parse(at) - startedAt.getTime()) : null);
    const turns = whole ?? streamed.sort((a, b) => a.order - b.order).map(({ speaker, text, startMs, at }) => ({ speaker, text, startMs: startMs ?? offset(at) }));
    return { turns, vendor };
  }

  /** Gives a call back to the finaliser later, after a failure. */
  async retryLater(callId: string, error: string, delaySeconds: number): Promise<void> {
    await this.db.tx(async (sql) => {
      await sql.query(
        `update calls set lease_until = null, last_error = $2, finalise_after = now() + make_interval(secs => $3::float8) where id = $1`,
        [callId, error, delaySeconds],
      );
      await sql.query('insert into call_history (call_id, stage, detail) values ($1, $2, $3)', [callId, 'completed', `finalisation failed: ${error}`]);
    });
  }
}
