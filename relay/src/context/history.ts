// The relay's own memory of a caller: its analysed calls, found by the caller key (caller-key.ts)
// through an index, newest first. Only what analysis kept is read (intent, outcome, summary,
// next action, the name and its confidence), and text is redacted again before it leaves: a
// summary may carry a name or number the caller said. The transcript is never read.
import type { AnalysisResult } from '../analysis/analyser.ts';
import { redactText } from '../analysis/redact.ts';
import type { RelayFile } from '../config.ts';
import { atRest } from '../privacy/at-rest.ts';
import { consentFor } from '../privacy/consent.ts';
import type { Db } from '../store/db.ts';
import type { PastCall } from './model.ts';

/** The name threshold of the whole product: a name is used only at this confidence or above. */
export const NAME_CONFIDENCE = 0.8;

export type History = {
  calls: PastCall[];
  /** Named at or above the threshold on the newest call that gave a confident name. */
  name: string | null;
  nextAction: { text: string; due: string | null } | null;
};

type Row = { agent_id: string | null; consent: boolean | null; started_at: Date | null; created_at: Date; analysis: unknown };

const ONE_LINE = 200;
// Redacting a line costs about a millisecond and the same caller's lines are asked for again
// (call start, then the agent's tool call): lines are kept once redacted, in process memory only.
const redacted = new Map<string, string>();
const REMEMBERED = 5_000;

function oneLine(text: string): string {
  const known = redacted.get(text);
  if (known !== undefined) return known;
  const line = redactText(text.replace(/\s+/g, ' ').trim()).text;
  const short = line.length > ONE_LINE ? `${line.slice(0, ONE_LINE - 1)}…` : line;
  if (redacted.size >= REMEMBERED) redacted.delete(redacted.keys().next().value!);
  redacted.set(text, short);
  return short;
}

export async function callerHistory(db: Db, file: RelayFile, callerKey: string, limit: number): Promise<History> {
  const rows = await db.query<Row>(
    `select agent_id, consent, started_at, created_at, analysis from calls
     where caller_key = $1 and stage = 'analysed' order by started_at desc limit $2`,
    [callerKey, limit],
  );
  // A caller who refused recording on their latest call that asked gets nothing that came from
  // what they said on any call: no name from a transcript, no summaries, no next action, no intent.
  const latestAnswer = rows.find((r) => r.consent !== null);
  const refused = latestAnswer?.consent === false;
  const fields = atRest(db);
  const history: History = { calls: [], name: null, nextAction: null };
  rows.forEach((row, index) => {
    const at = (row.started_at ?? row.created_at).toISOString();
    const mayUseText = !refused && consentFor(file, row.agent_id, row.consent).keepText;
    const insights = mayUseText ? fields.openAnalysis(row.analysis as AnalysisResult | null)?.insights : undefined;
    if (!insights) {
      history.calls.push({ at, intent: null, outcome: null, summary: null });
      return;
    }
    history.calls.push({ at, intent: insights.intent, outcome: insights.disposition, summary: oneLine(`${insights.summary.asked} ${insights.summary.said}`) });
    if (history.name === null && insights.callerName && insights.callerNameConfidence >= NAME_CONFIDENCE) history.name = insights.callerName.trim();
    // Only the newest call's next action is open: a later call supersedes what an earlier one promised.
    if (index === 0 && insights.nextAction) history.nextAction = { text: oneLine(insights.nextAction), due: insights.nextActionDue };
  });
  return history;
}
