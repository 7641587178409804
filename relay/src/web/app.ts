// The relay's HTTP surface: webhooks, health, metrics and the API. Route modules add to it;
// webhooks are answered ahead of express (web/webhooks.ts says why).
import type { RequestListener } from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { IngestError } from '../ingest/event.ts';
import type { Metrics } from '../metrics.ts';
import { refuseUnstorableParams } from './params.ts';
import type { TrustProxy } from './exposure.ts';
import type { WebhookHandler } from './webhooks.ts';

export type AppDeps = {
  metrics: Metrics;
  log: Logger;
  /** Ready when the store answers; false while starting or shutting down. */
  ready: () => Promise<boolean>;
  routers: Router[];
  webhooks?: WebhookHandler;
  /** The proxies whose forwarding headers are believed (TRUST_PROXY); none when absent. */
  trustProxy?: TrustProxy;
};

/**
 * One line per API, console and health request once it is answered. The path is the route's
 * pattern (`/api/calls/:id`), never the URL, which can carry a call id or a phone number.
 */
function accessLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : '(no route)';
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ method: req.method, route, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}

export function createApp(deps: AppDeps): RequestListener {
  const app = express();
  app.disable('x-powered-by');
  // req.ip is the forwarded client only behind a proxy TRUST_PROXY names, else the socket's address.
  app.set('trust proxy', deps.trustProxy ?? false);
  app.locals.trustProxy = deps.trustProxy;
  app.use(accessLog(deps.log));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await deps.ready().catch(() => false);
    res.status(ready ? 200 : 503).json({ ready });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.use(refuseUnstorableParams());
  for (const router of deps.routers) app.use(router);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  const onError: ErrorRequestHandler = (error, _req, res, next) => {
    // body-parser's errors carry the status to answer: 413 for an oversized body, 400 for bad JSON.
    const status = error instanceof IngestError ? error.status : typeof error?.status === 'number' ? error.status : 500;
    if (status >= 500) deps.log.error({ err: error }, 'request failed');
    // Answered already (an error after the answer began): express closes the connection.
    if (res.headersSent) return next(error);
    const message = status === 413 ? 'request body too large' : status >= 500 ? 'internal error' : (error as Error).message;
    res.status(status).json({ error: message });
  };
  app.use(onError);
  const webhooks = deps.webhooks;
  return webhooks ? (req, res) => void (webhooks(req, res) || app(req, res)) : app;
}
