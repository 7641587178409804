// GET /api/callers/:phone/context?agent=<id>: the same context, for platforms other than Vapi,
// Retell and Twilio. Behind the API's access rule (web/api.ts: the API token, or loopback only).
import express, { type Router } from 'express';
import { z } from 'zod';
import { IngestError, parseOr400 } from '../ingest/event.ts';
import { requireApiAccess } from '../web/api.ts';
import type { CallStart } from './call-start.ts';
import { normalisePhone } from './caller-key.ts';

const Query = z.object({ agent: z.string().min(1).max(200).optional() }).strict();

export function callerContextRoutes(deps: { callStart: CallStart; apiToken: string | undefined }): Router {
  const router = express.Router();
  router.get('/api/callers/:phone/context', requireApiAccess(deps.apiToken), async (req, res) => {
    const phone = String(req.params.phone);
    if (!normalisePhone(phone)) throw new IngestError(400, 'phone: not a phone number (use E.164, e.g. +15615550192)');
    const query = parseOr400(Query, req.query, 'query');
    res.json(await deps.callStart.context(phone, query.agent ?? null));
  });
  return router;
}
