// What the HubSpot card's endpoint answers: the AI calls associated with a contact, deal or
// ticket, read back from HubSpot itself (so the card shows exactly what the policy let HubSpot
// hold, and calls linked to a deal or ticket by hand show up too). Two requests per view:
// the record's call associations, then one batch read of those calls.
// The card mirrors this schema in hubspot-project/src/app/cards/calls-response.ts.
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isConfiguredPortal } from '../../web/hubspot-signature.ts';
import { Disposition, Intent, labelOf, taxonomy } from '../../taxonomy.ts';
import type { CardObjectType, CrmObject, HubSpotApi } from './api.ts';
import { toHubSpotError } from './errors.ts';
import { HubSpotPaused } from './limiter.ts';
import { props } from './properties.ts';

export const CardObjectTypeParam = z.enum(['contacts', 'deals', 'tickets']);

export const CardCallsQuery = z.object({
  objectType: CardObjectTypeParam,
  objectId: z.string().regex(/^\d{1,20}$/, 'must be a HubSpot record id'),
});
export type CardCallsQuery = z.infer<typeof CardCallsQuery>;

export const CardCall = z.object({
  callId: z.string(),
  startedAt: z.string().nullable(),
  durationSeconds: z.number().int().nonnegative(),
  intent: Intent.nullable(),
  intentLabel: z.string().nullable(),
  intentConfidence: z.number().min(0).max(1).nullable(),
  disposition: Disposition.nullable(),
  dispositionLabel: z.string().nullable(),
  summary: z.string().nullable(),
  transcriptUrl: z.string().nullable(),
  recordingUrl: z.string().nullable(),
});
export type CardCall = z.infer<typeof CardCall>;

export const CardCallsResponse = z.object({ calls: z.array(CardCall) });
export type CardCallsResponse = z.infer<typeof CardCallsResponse>;

/** The card shows the most recent calls; older ones stay on the record's timeline. */
export const CARD_CALL_LIMIT = 20;

const callReadProperties = [
  props.callId,
  'hs_timestamp',
  'hs_call_duration',
  'hs_call_recording_url',
  props.intent,
  props.intentConfidence,
  props.disposition,
  props.summary,
  props.transcriptUrl,
];

export function toCardCall(call: CrmObject): CardCall | null {
  const p = call.properties;
  const callId = p[props.callId];
  if (!callId) return null; // logged by someone else, not an AI call
  const intent = Intent.safeParse(p[props.intent]);
  const disposition = Disposition.safeParse(p[props.disposition]);
  const confidence = Number(p[props.intentConfidence]);
  const durationMs = Number(p.hs_call_duration);
  const started = p.hs_timestamp ? new Date(Number.isNaN(Number(p.hs_timestamp)) ? p.hs_timestamp : Number(p.hs_timestamp)) : null;
  return {
    callId,
    startedAt: started && !Number.isNaN(started.getTime()) ? started.toISOString() : null,
    durationSeconds: Number.isFinite(durationMs) && durationMs > 0 ? Math.round(durationMs / 1000) : 0,
    intent: intent.success ? intent.data : null,
    intentLabel: intent.success ? labelOf(taxonomy.intents, intent.data) : null,
    intentConfidence: p[props.intentConfidence] && Number.isFinite(confidence) ? Math.min(1, Math.max(0, confidence)) : null,
    disposition: disposition.success ? disposition.data : null,
    dispositionLabel: disposition.success ? labelOf(taxonomy.dispositions, disposition.data) : null,
    summary: p[props.summary] || null,
    transcriptUrl: p[props.transcriptUrl] || null,
    recordingUrl: p.hs_call_recording_url || null,
  };
}

/**
 * The card's own time budget. A person is waiting on it, and hubspot.fetch gives up after 15 s
 * and the card after 10 s: the endpoint answers within 2 s, and its requests never queue behind
 * the sink's; when the portal's budget is spent it says so at once instead of waiting.
 */
export const CARD_BUDGET = { answerWithinMs: 2_000, maxWaitMs: 1_000 };

export async function cardCalls(api: HubSpotApi, query: CardCallsQuery): Promise<CardCallsResponse> {
  const objectType: CardObjectType = query.objectType;
  // Every page of the record's calls, newest first; the newest 100 are read (one batch read),
  // older ones stay on the record's timeline.
  const ids = (await api.callIdsOf(objectType, query.objectId, CARD_BUDGET)).slice(0, 100);
  const calls = (await api.readCalls(ids, callReadProperties, CARD_BUDGET))
    .map(toCardCall)
    .filter((c): c is CardCall => c !== null)
    .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''))
    .slice(0, CARD_CALL_LIMIT);
  return { calls };
}

/**
 * GET /hubspot/card/calls?objectType=&objectId= (plus the portalId, userId, userEmail and
 * appId HubSpot adds), mounted after requireHubSpotSignature: the signature proves HubSpot
 * sent it, the portal check that it came from this relay's own installation.
 */
export function cardCallsHandler(api: HubSpotApi, portalId: string | undefined, log?: Logger): RequestHandler {
  return async (req: Request, res: Response) => {
    if (!isConfiguredPortal(req.query.portalId, portalId)) {
      res.status(403).json({ error: 'this relay serves another HubSpot portal' });
      return;
    }
    const query = CardCallsQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: 'objectType must be contacts, deals or tickets and objectId a record id' });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CARD_BUDGET.answerWithinMs);
    });
    try {
      const answer = await Promise.race([cardCalls(api, query.data), late]);
      if (answer === 'late') {
        log?.warn({ objectType: query.data.objectType, budgetMs: CARD_BUDGET.answerWithinMs }, 'card calls took longer than the card budget');
        res.status(504).json({ error: `HubSpot did not answer within ${CARD_BUDGET.answerWithinMs / 1000} s; try again` });
        return;
      }
      res.json(answer);
    } catch (error) {
      if (error instanceof HubSpotPaused) {
        res.status(503).set('Retry-After', String(Math.ceil(error.retryAfterMs / 1000))).json({ error: `the portal's API budget is spent for now; try again in ${Math.ceil(error.retryAfterMs / 1000)} s` });
        return;
      }
      const e = toHubSpotError(error);
      log?.warn({ status: e.status, objectType: query.data.objectType }, 'card calls could not be read from HubSpot');
      res.status(502).json({ error: 'HubSpot did not answer' });
    } finally {
      clearTimeout(timer);
    }
  };
}
