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

export async function recordGiven(db: Db, given: Given): Promise<void> {
  await db.query(
    `insert into caller_context_given (platform, kind, call_id, agent_id, caller_key, known, sources, context)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [given.platform, given.kind, given.callId, given.agentId, given.callerKey, given.context.known, JSON.stringify(given.context.sources), atRest(db).text(JSON.stringify(given.context))],
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

