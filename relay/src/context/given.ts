// What each agent was told: one row per answer, the context sealed as given (it holds a name and
// call summaries), so the console can show, call by call, what the agent knew.
import type { CallerContext } from './model.ts';
import { atRest } from '../privacy/at-rest.ts';
import type { Db } from '../store/db.ts';

export type Given = {
  platform: 'vapi' | 'retell' | 'twilio' | 'api';
  kind: 'call-start' | 'tool' | 'lookup';
  callId: string | null;
  agentId: string | null;
  callerKey: string | null;
  context: CallerContext;
};

/**
 * Records answers in batches: one insert for whatever was given while the last one ran, so a
 * busy relay spends one statement per batch rather than one per call. Nothing waits for it.
 */
export class GivenRecorder {
  private readonly db: Db;
  private readonly onError: (error: Error) => void;
  private waiting: Given[] = [];
  private writing: Promise<void> | null = null;

  constructor(db: Db, onError: (error: Error) => void) {
    this.db = db;
    this.onError = onError;
  }

  record(given: Given): void {
    this.waiting.push(given);
    this.writing ??= this.drain();
  }

  /** Resolves once everything recorded so far is written. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      await insertGiven(this.db, batch).catch(this.onError);
    }
    this.writing = null;
  }
}

async function insertGiven(db: Db, rows: Given[]): Promise<void> {
  const fields = atRest(db);
  await db.query(
    `insert into caller_context_given (platform, kind, call_id, agent_id, caller_key, known, sources, context)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::jsonb[], $8::text[])`,
    [
      rows.map((g) => g.platform),
      rows.map((g) => g.kind),
      rows.map((g) => g.callId),
      rows.map((g) => g.agentId),
      rows.map((g) => g.callerKey),
      rows.map((g) => g.context.known),
      rows.map((g) => JSON.stringify(g.context.sources)),
      rows.map((g) => fields.text(JSON.stringify(g.context))),
    ],
  );
}

export type GivenRow = { id: string; givenAt: Date; platform: string; kind: string; callId: string | null; agentId: string | null; context: CallerContext };

/** Everything agents were told about one caller, newest first. */
export async function givenTo(db: Db, callerKey: string, limit = 50): Promise<GivenRow[]> {
  const rows = await db.query<{ id: string; given_at: Date; platform: string; kind: string; call_id: string | null; agent_id: string | null; context: string }>(
    `select id, given_at, platform, kind, call_id, agent_id, context from caller_context_given where caller_key = $1 order by given_at desc limit $2`,
    [callerKey, limit],
  );
  const fields = atRest(db);
  return rows.map((r) => ({ id: r.id, givenAt: r.given_at, platform: r.platform, kind: r.kind, callId: r.call_id, agentId: r.agent_id, context: JSON.parse(fields.openText(r.context)) as CallerContext }));
}


/** What agents were told is kept as long as transcripts are (retention.transcriptDays). */
export async function purgeGivenBefore(db: Db, cutoff: Date): Promise<number> {
  const rows = await db.query('delete from caller_context_given where given_at < $1 returning id', [cutoff]);
  return rows.length;
}
