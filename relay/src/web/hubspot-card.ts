// The endpoint the HubSpot call panel card reads through hubspot.fetch: signed by HubSpot
// (X-HubSpot-Signature-v3), answered only for the configured portal.
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import type { Env } from '../config.ts';
import type { HubSpotApi } from '../sync/hubspot/api.ts';
import { cardCallsHandler } from '../sync/hubspot/card-api.ts';
import { requireHubSpotSignature } from './hubspot-signature.ts';

export function hubspotCardRoutes(deps: { api: HubSpotApi | null; env: Env; log: Logger }): Router {
  const router = express.Router();
  const { api, env } = deps;
  if (!api || !env.HUBSPOT_CLIENT_SECRET) {
    router.get('/hubspot/card/calls', (_req, res) => {
      res.status(503).json({ error: 'the HubSpot card endpoint needs HUBSPOT_ACCESS_TOKEN and HUBSPOT_CLIENT_SECRET' });
    });
    return router;
  }
  router.get(
    '/hubspot/card/calls',
    requireHubSpotSignature({ clientSecret: env.HUBSPOT_CLIENT_SECRET, publicUrl: env.PUBLIC_URL }),
    cardCallsHandler(api, env.HUBSPOT_PORTAL_ID, deps.log),
  );
  return router;
}
