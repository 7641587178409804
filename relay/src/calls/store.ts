// The call store: webhook events in, merged call rows and their history out.
import type { Db, Sql } from '../store/db.ts';
import { statusRank, TERMINAL_RANK, type IngestEvent, type StreamedTurn } from '../ingest/event.ts';
import type { Turn } from './model.ts';
import type { VendorAnalysis } from '../ingest/event.ts';
import { atRest } from '../privacy/at-rest.ts';

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

export type Accepted = 'accepted' | 'duplicate';

// One statement merges an event into its call: values only move forward (status by rank,
// first-seen numbers kept, earliest start, latest end), and `completed` schedules finalisation
// after the grace window, or at once when the transcript and recording are both in.
const MERGE = `
with prev as (select stage from calls where id = $1::text)
insert into calls as c (id, provider, agent_id, direction, from_number, to_number, status, status_rank, stage,
  started_at, ended_at, duration_seconds, recording_url, consent, transcript_done, recording_done, finalise_after)
values ($1::text, $2::text, $3::text, coalesce($4::text, 'inbound'), $5::text, $6::text, $7::text, $8::int,
  case when $8::int >= ${TERMINAL_RANK} then 'completed' else 'open' end,
  $9::timestamptz, $10::timestamptz, $11::int, $12::text, $13::boolean, $14::boolean, $15::boolean,
  case when $8::int >= ${TERMINAL_RANK} then now() + case when $14::boolean and $15::boolean then interval '0' else make_interval(secs => $16::float8) end end)
on conflict (id) do update set
  agent_id = coalesce(c.agent_id, excluded.agent_id),
  direction = coalesce($4::text, c.direction),
  from_number = coalesce(c.from_number, excluded.from_number),
  to_number = coalesce(c.to_number, excluded.to_number),
  status = case when excluded.status_rank > c.status_rank then excluded.status else c.status end,
  status_rank = greatest(c.status_rank, excluded.status_rank),
  stage = case when c.stage = 'open' and excluded.status_rank >= ${TERMINAL_RANK} then 'completed' else c.stage end,
  started_at = least(c.started_at, excluded.started_at),
  ended_at = greatest(c.ended_at, excluded.ended_at),
  duration_seconds = greatest(c.duration_seconds, excluded.duration_seconds),
  recording_url = coalesce(excluded.recording_url, c.recording_url),
  consent = coalesce(excluded.consent, c.consent),
  transcript_done = c.transcript_done or excluded.transcript_done,
  recording_done = c.recording_done or excluded.recording_done,
  finalise_after = case
    when greatest(c.status_rank, excluded.status_rank) < ${TERMINAL_RANK} then null
    when (c.transcript_done or excluded.transcript_done) and (c.recording_done or excluded.recording_done)
      then least(coalesce(c.finalise_after, now()), now())
    else coalesce(c.finalise_after, now() + make_interval(secs => $16::float8)) end,
  updated_at = now()
returning c.stage, (select stage from prev) as prev_stage`;

export class CallStore {
  readonly db: Db;
  graceSeconds: number;

  constructor(db: Db, graceSeconds: number) {
    this.db = db;
    this.graceSeconds = graceSeconds;
  }

  /** Stores a batch of events in one transaction; a repeated (call, event, sequence) is a duplicate. */
  async record(events: IngestEvent[]): Promise<Accepted[]> {
    return this.db.tx(async (sql) => {
      const results: Accepted[] = [];
      for (const event of events) results.push(await this.recordOne(sql, event));
      return results;
    });
  }

  private async recordOne(sql: Sql, event: IngestEvent): Promise<Accepted> {
    const inserted = await sql.query(
      `insert into call_events (call_id, event, sequence, provider, payload) values ($1, $2, $3, $4, $5)
       on conflict do nothing returning 1`,
      [event.callId, event.event, event.sequence, event.provider, JSON.stringify(atRest(this.db).event(event))],
    );
    if (inserted.length === 0) return 'duplicate';
    const c = event.call;
    const fields = atRest(this.db);
    const [row] = await sql.query<{ stage: string; prev_stage: string | null }>(MERGE, [
      event.callId,
      event.provider,
      c.agentId ?? null,
      c.direction ?? null,
      fields.text(c.from ?? null),
      fields.text(c.to ?? null),
      c.status ?? null,
      c.status ? statusRank[c.status] : -1,
      c.startedAt ?? null,
      c.endedAt ?? null,
      c.durationSeconds ?? null,
      fields.text(c.recordingUrl ?? null),
      c.consent ?? null,
      c.transcriptDone ?? false,
      c.recordingDone ?? false,
      this.graceSeconds,
    ]);
    // Utterances would flood the history; everything else is worth seeing there.
    if (event.event !== 'transcript:content' && event.event !== 'transcript:interim') {
      const moved = row && row.stage !== row.prev_stage ? ` (stage ${row.prev_stage ?? 'new'} -> ${row.stage})` : '';
      await sql.query('insert into call_history (call_id, stage, detail) values ($1, $2, $3)', [event.callId, row?.stage ?? 'open', `${event.event}${moved}`]);
    }
    return 'accepted';
  }

  async get(callId: string): Promise<CallRow | undefined> {
    const [row] = await this.db.query<CallRow>('select * from calls where id = $1', [callId]);
    return row && atRest(this.db).callRow(row);
  }

  async history(callId: string): Promise<{ at: Date; stage: string; detail: string | null }[]> {
    return this.db.query('select at, stage, detail from call_history where call_id = $1 order by id', [callId]);
  }

  /** Takes calls whose finalisation is due, leasing them so another instance leaves them alone. */
  async claimDue(limit: number, leaseSeconds: number): Promise<CallRow[]> {
    const rows = await this.db.query<CallRow>(
      `update calls set lease_until = now() + make_interval(secs => $2::float8), finalise_attempts = finalise_attempts + 1
       where id in (select id from calls where stage = 'completed' and finalise_after <= now()
                    and (lease_until is null or lease_until < now())
                    order by finalise_after limit $1 for update skip locked)
       returning *`,
      [limit, leaseSeconds],
    );
    return rows.map((row) => atRest(this.db).callRow(row));
  }

  /** The transcript: the platform's whole one if it sent it, else the streamed utterances in order. */
  async transcript(callId: string): Promise<{ turns: Turn[]; vendor: VendorAnalysis | null }> {
    const rows = await this.db.query<{ payload: IngestEvent; received_at: Date }>(
      `select payload, received_at from call_events where call_id = $1 and (event = 'transcript:content' or payload ? 'transcript' or payload ? 'vendor')
       order by received_at`,
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
    const turns = whole ?? streamed.sort((a, b) => a.order - b.order).map(({ speaker, text, startMs }) => ({ speaker, text, startMs }));
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
