// The relay's JSON API: calls with their insights, redaction report, history and delivery log;
// what the dry-run sink recorded; dead letters and their replay.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { callDetail, CallFilter, listCalls } from '../calls/queries.ts';
import { listQuarantine } from '../calls/quarantine.ts';
import { IngestError, parseOr400 } from '../ingest/event.ts';
import { atRest } from '../privacy/at-rest.ts';
import type { Db } from '../store/db.ts';
import type { Outbox } from '../sync/outbox.ts';
import { safeEqual } from '../ingest/hmac.ts';
import { fromThisMachine } from './exposure.ts';
import { z } from 'zod';

export type ApiDeps = { db: Db; outbox: Outbox; apiToken: string | undefined; onReplay: () => void };

/**
 * With API_TOKEN set, requests need `Authorization: Bearer <token>`. Without it the API holds
 * personal data with no credential, so it answers only requests made on the machine itself
 * (exposure.ts), and the relay does not start without a token where it can be reached from elsewhere.
 */
export function requireApiAccess(apiToken: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (apiToken) {
      const given = req.get('authorization')?.replace(/^Bearer /i, '') ?? '';
      if (safeEqual(given, apiToken)) return next();
      return res.status(401).json({ error: 'missing or wrong bearer token' });
    }
    if (fromThisMachine(req)) return next();
    res.status(401).json({ error: 'without API_TOKEN the API answers only requests made directly on this machine, not through a proxy: set API_TOKEN' });
  };
}

const QuarantineQuery = z.object({
  kind: z.enum(['event', 'batch', 'call', 'delivery']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const Replay = z.union([z.object({ deliveryId: z.number().int().positive() }), z.object({ errorContains: z.string().min(1) }), z.object({ all: z.literal(true) })]);

export function apiRoutes(deps: ApiDeps): Router {
  const router = express.Router();
  router.use('/api', requireApiAccess(deps.apiToken), express.json({ limit: '64kb' }));

  router.get('/api/calls', async (req, res) => {
    res.json(await listCalls(deps.db, parseOr400(CallFilter, req.query, 'query')));
  });

  router.get('/api/calls/:id', async (req, res) => {
    const detail = await callDetail(deps.db, req.params.id);
    if (!detail) throw new IngestError(404, `no call ${req.params.id}`);
    res.json(detail);
  });

  router.get('/api/dry-run', async (req, res) => {
    const callId = typeof req.query.callId === 'string' ? req.query.callId : null;
    const rows = await deps.db.query(
      `select id, sink, call_id as "callId", request, created_at as "createdAt" from dry_run_requests
       where ($1::text is null or call_id = $1) order by id desc limit 200`,
      [callId],
    );
    const fields = atRest(deps.db);
    res.json({ requests: rows.map((row) => ({ ...row, request: fields.openJson(row.request) })) });
  });

  router.get('/api/dead-letters', async (req, res) => {
    const sink = typeof req.query.sink === 'string' ? req.query.sink : undefined;
    const errorContains = typeof req.query.error === 'string' ? req.query.error : undefined;
    res.json({ deadLetters: await deps.outbox.deadLetters({ sink, errorContains }) });
  });

  // What was set aside because it failed alone: the error, and the payload opened.
  router.get('/api/quarantine', async (req, res) => {
    res.json(await listQuarantine(deps.db, parseOr400(QuarantineQuery, req.query, 'query')));
  });

  router.post('/api/dead-letters/replay', async (req, res) => {
    const replayed = await deps.outbox.replay(parseOr400(Replay, req.body, 'replay request'));
    deps.onReplay();
    res.json({ replayed });
  });

  return router;
}
