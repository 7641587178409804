// What the lookup answers: everything an agent may be told about a caller, before the agent's
// policy removes what it may not. Text here is redacted; a transcript never is part of it.
import { z } from 'zod';

export const SourceName = z.enum(['relay', 'salesforce', 'hubspot']);
export type SourceName = z.infer<typeof SourceName>;

/**
 * How each source did: `answered` (it knows the caller), `no_record` (it answered and does not),
 * `timeout` (no answer within the budget), `error` (it failed), `skipped` (not configured, or the
 * policy needs nothing from it).
 */
export const SourceOutcome = z.enum(['answered', 'no_record', 'timeout', 'error', 'skipped']);
export type SourceOutcome = z.infer<typeof SourceOutcome>;

export const PastCall = z.object({
  at: z.string().nullable(),
  intent: z.string().nullable().optional(),
  outcome: z.string().nullable().optional(),
  /** One line, redacted. */
  summary: z.string().nullable().optional(),
});
export type PastCall = z.infer<typeof PastCall>;

export const OpenCase = z.object({ number: z.string().nullable(), subject: z.string().nullable(), status: z.string().nullable(), source: SourceName });
export const OpenDeal = z.object({ name: z.string().nullable(), stage: z.string().nullable(), source: SourceName });

export const CallerContext = z.object({
  known: z.boolean(),
  name: z.string().nullable().optional(),
  nameSource: SourceName.nullable().optional(),
  lastCalls: z.array(PastCall).optional(),
  nextAction: z.object({ text: z.string(), due: z.string().nullable() }).nullable().optional(),
  owner: z.object({ name: z.string(), source: SourceName }).nullable().optional(),
  openCase: OpenCase.nullable().optional(),
  openDeal: OpenDeal.nullable().optional(),
  sources: z.partialRecord(SourceName, SourceOutcome),
  elapsedMs: z.number(),
});
export type CallerContext = z.infer<typeof CallerContext>;

/** What one CRM knows about a caller; the lookup merges these with the relay's own history. */
export type CrmFacts = {
  name: string | null;
  owner: string | null;
  openCase: { number: string | null; subject: string | null; status: string | null } | null;
  openDeal: { name: string | null; stage: string | null } | null;
};

/** What the lookup asks a CRM for: only what the agent's policy lets it tell. */
export type CrmWants = { owner: boolean; openCase: boolean; openDeal: boolean };

export interface CrmSource {
  readonly name: Exclude<SourceName, 'relay'>;
  /** Null when the CRM has no record for this caller. */
  lookup(e164: string, wants: CrmWants): Promise<CrmFacts | null>;
}

/** A context with nothing in it, for unknown callers and for lookups that failed. */
export function emptyContext(sources: CallerContext['sources'], elapsedMs: number): CallerContext {
  return { known: false, sources, elapsedMs };
}
