// Webhook routes: check the signature on the raw body, parse into one IngestEvent, store it
// (group-committed), acknowledge. Nothing slow happens before the acknowledgement.
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Intake } from '../calls/intake.ts';
import { IngestError, type IngestEvent } from '../ingest/event.ts';
import { parseGeneric, parseJson, verifyGeneric } from '../ingest/generic.ts';
import { parseRetell, verifyRetell } from '../ingest/retell.ts';
import { formParams, parseTwilio, verifyTwilioSignature, type TwilioKind } from '../ingest/twilio.ts';
import { parseVapi, verifyVapi } from '../ingest/vapi.ts';
import type { Metrics } from '../metrics.ts';
import type { WebhookSecrets } from '../secrets.ts';

export type WebhookDeps = {
  intake: Intake;
  secrets: WebhookSecrets;
  metrics: Metrics;
  log: Logger;
  /** Base URL Twilio was given (PUBLIC_URL); without it, the request's own host. */
  publicUrl: string | undefined;
  maxBodyBytes: number;
};

type Source = 'twilio' | 'generic' | 'vapi' | 'retell';

export function webhookRoutes(deps: WebhookDeps): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: deps.maxBodyBytes });

  const handle = (source: Source, toEvent: (req: Request, body: Buffer) => IngestEvent | null) => [
    raw,
    async (req: Request, res: Response) => {
      const started = performance.now();
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        const event = toEvent(req, body);
        const result = event ? await deps.intake.submit(event) : 'ignored';
        deps.metrics.webhooks.labels(source, result).inc();
        res.status(200).json({ ok: true, result });
      } catch (error) {
        const status = error instanceof IngestError ? error.status : 500;
        deps.metrics.webhooks.labels(source, status === 500 ? 'error' : 'rejected').inc();
        if (status === 500) deps.log.error({ source, err: (error as Error).message }, 'webhook could not be stored');
        res.status(status).json({ error: status === 500 ? 'could not store the event; retry' : (error as Error).message });
      } finally {
        deps.metrics.ackLatency.labels(source).observe((performance.now() - started) / 1000);
      }
    },
  ];

  const fullUrl = (req: Request) => (deps.publicUrl ? deps.publicUrl.replace(/\/$/, '') : `${req.protocol}://${req.get('host')}`) + req.originalUrl;

  for (const kind of ['voice', 'recording', 'transcription'] as TwilioKind[]) {
    router.post(
      `/webhooks/twilio/${kind}`,
      ...handle('twilio', (req, body) => {
        if (!verifyTwilioSignature(deps.secrets.twilioAuthToken, req.get('x-twilio-signature'), fullUrl(req), body, req.get('content-type'))) {
          throw new IngestError(403, 'invalid Twilio signature');
        }
        const params = req.is('application/json') ? (parseJson(body) as Record<string, string>) : formParams(body);
        const agent = typeof req.query.agent === 'string' ? req.query.agent : undefined;
        const consent = req.query.consent === 'true' ? true : req.query.consent === 'false' ? false : undefined;
        return parseTwilio(kind, params, { agentId: agent, consent });
      }),
    );
  }

  router.post(
    '/webhooks/calls',
    ...handle('generic', (req, body) => {
      if (!verifyGeneric(deps.secrets.webhookSecret, req.get('x-signature'), body)) throw new IngestError(403, 'invalid or expired X-Signature');
      return parseGeneric(parseJson(body));
    }),
  );

  router.post(
    '/webhooks/vapi',
    ...handle('vapi', (req, body) => {
      if (!deps.secrets.vapiSecret) throw new IngestError(503, 'Vapi webhooks are not configured: set VAPI_WEBHOOK_SECRET');
      if (!verifyVapi(deps.secrets.vapiSecret, req.get('x-vapi-signature'), body)) throw new IngestError(403, 'invalid X-Vapi-Signature');
      return parseVapi(parseJson(body));
    }),
  );

  router.post(
    '/webhooks/retell',
    ...handle('retell', (req, body) => {
      if (!deps.secrets.retellApiKey) throw new IngestError(503, 'Retell webhooks are not configured: set RETELL_API_KEY');
      if (!verifyRetell(deps.secrets.retellApiKey, req.get('x-retell-signature'), body)) throw new IngestError(403, 'invalid or expired X-Retell-Signature');
      return parseRetell(parseJson(body));
    }),
  );

  return router;
}
