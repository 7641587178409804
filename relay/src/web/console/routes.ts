// The console, mounted under /console: assets and sign-in open, everything else behind a session.
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { consoleAuth, type Operator } from './auth.ts';
import { assetRoutes } from './assets.ts';
import { consolePages, type PagesDeps } from './pages.ts';
import { SessionStore } from '../../privacy/session-store.ts';
import type { SessionSigner } from '../../privacy/sessions.ts';
import type { LoginLimiter } from '../../privacy/login-limiter.ts';
import type { CallerKeys } from '../../context/caller-key.ts';
import { callerPages } from './callers.ts';

export type ConsoleDeps = PagesDeps & {
  operator: Operator | undefined;
  sessions: SessionSigner;
  /** Secure cookies when the relay is reached over https (PUBLIC_URL). */
  secureCookies: boolean;
  log: Logger;
  limiter?: LoginLimiter;
  /** Finds a caller's calls by number for the callers page; without it the page is absent. */
  callerKeys?: CallerKeys;
};

export function consoleRoutes(deps: ConsoleDeps): Router {
  const router = express.Router();
  const auth = consoleAuth({ ...deps, store: new SessionStore(deps.db) });
  router.use(assetRoutes());
  router.use(auth.router);
  router.use('/console', auth.requireOperator);
  router.use(consolePages(deps));
  if (deps.callerKeys) router.use(callerPages({ db: deps.db, keys: deps.callerKeys }));
  return router;
}
