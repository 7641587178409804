// Console sign-in: one operator credential from the environment (CONSOLE_ADMIN_USER and an
// scrypt CONSOLE_ADMIN_PASSWORD_HASH made with `relay hash-password`), a signed session cookie,
// CSRF tokens on every form, and a sign-in slow-down per address and user name together.
// Without a configured credential the console stays closed.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { LoginLimiter } from '../../privacy/login-limiter.ts';
import type { SessionStore } from '../../privacy/session-store.ts';
import { isPasswordHash, verifyPassword } from '../../privacy/passwords.ts';
import { ConfigError } from '../../config.ts';
import { cookieNames, parseCookies, SESSION_HOURS, setCookie, type Session, type SessionSigner } from '../../privacy/sessions.ts';
import { clientAddress } from '../exposure.ts';
import { document, html, sendPage } from './html.ts';

export type Operator = { user: string; passwordHash: string };

export type AuthDeps = { operator: Operator | undefined; sessions: SessionSigner; store: SessionStore; secureCookies: boolean; log: Logger; limiter?: LoginLimiter };

export type SignedIn = { session: Session; csrf: string };

const LOGIN_COOKIE_SECONDS = 600;

function sameText(a: string, b: string): boolean {
  // Hash first so the compare is constant-time whatever the lengths.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Only console paths, so the sign-in form cannot be used to bounce operators elsewhere. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/console(\/[^\s\\]*)?(\?[^\s\\]*)?$/.test(value) && !value.startsWith('//') ? value : '/console';
}

export function consoleAuth(deps: AuthDeps) {
  const names = cookieNames({ secure: deps.secureCookies });
  const limiter = deps.limiter ?? new LoginLimiter();
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

  function closed(res: Response) {
    sendPage(
      res,
      503,
      document('Console closed', html`<main><h1>The console is closed</h1><p>Set CONSOLE_ADMIN_USER and CONSOLE_ADMIN_PASSWORD_HASH (make the hash with <code>npm run relay -- hash-password</code>) and restart the relay.</p></main>`),
    );
  }

  function signInPage(res: Response, status: number, next: string, message?: string) {
    const nonce = randomBytes(18).toString('base64url');
    res.append('set-cookie', setCookie(names.login, nonce, { secure: deps.secureCookies, maxAgeSeconds: LOGIN_COOKIE_SECONDS, sameSite: 'Strict' }));
    sendPage(
      res,
      status,
      document(
        'Sign in',
        html`<main id="main"><h1>Sign in to the console</h1>
${message ? html`<p class="alert" role="alert">${message}</p>` : ''}
<form class="stack" method="post" action="/console/login">
<input type="hidden" name="_csrf" value="${deps.sessions.csrfToken(`login:${nonce}`)}">
<input type="hidden" name="next" value="${next}">
<div><label for="user">User name</label><input id="user" name="user" autocomplete="username" required autofocus></div>
<div><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
<button type="submit">Sign in</button>
</form></main>`,
      ),
    );
  }

  /** A session whose cookie is genuine and unexpired and which nobody signed out. */
  async function currentSession(req: Request): Promise<Session | undefined> {
    if (!deps.operator) return undefined;
    const session = deps.sessions.read(parseCookies(req.get('cookie')).get(names.session), deps.operator.passwordHash);
    return session && (await deps.store.isLive(session.sid)) ? session : undefined;
  }

  router.get('/console/login', async (req, res) => {
    if (!deps.operator) return closed(res);
    if (await currentSession(req)) return res.redirect(303, safeNext(req.query.next));
    signInPage(res, 200, safeNext(req.query.next));
  });

  router.post('/console/login', form, async (req, res) => {
    const operator = deps.operator;
    if (!operator) return closed(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const nonce = parseCookies(req.get('cookie')).get(names.login);
    if (!deps.sessions.checkCsrf(nonce ? `login:${nonce}` : undefined, body._csrf)) {
      return signInPage(res, 403, next, 'The sign-in form expired. Please try again.');
    }
    const user = typeof body.user === 'string' ? body.user.slice(0, 200) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1000) : '';
    // The forwarded client only behind a proxy TRUST_PROXY names: a rotated X-Forwarded-For
    // from anyone else is not a new address.
    const ip = clientAddress(req);
    const wait = limiter.retryAfterSeconds(ip, user);
    if (wait > 0) {
      res.set('retry-after', String(wait));
      deps.log.warn({ ip, waitSeconds: wait }, 'console sign-in refused while its wait runs');
      return signInPage(res, 429, next, `Too many failed sign-ins from this address. Try again in ${waitText(wait)}.`);
    }
    // Always check the password, so a wrong user name takes as long as a wrong password.
    const passwordOk = await verifyPassword(password, operator.passwordHash);
    const operatorName = sameText(user, operator.user);
    if (!(passwordOk && operatorName)) {
      const slowed = limiter.recordFailure(ip, user);
      if (slowed.by) {
        // Logged so an operator sees a guessing run (and whether it names the operator's user).
        deps.log.warn({ ip, operatorName, failures: slowed.failures, by: slowed.by, waitSeconds: slowed.waitSeconds }, 'console sign-in slowed down after repeated failures');
      } else {
        deps.log.warn({ ip }, 'console sign-in failed');
      }
      return signInPage(res, 401, next, 'Wrong user name or password.');
    }
    limiter.recordSuccess(ip, user);
    const { cookie, session } = deps.sessions.issue(operator.user, operator.passwordHash);
    await deps.store.open(session);
    res.append('set-cookie', setCookie(names.session, cookie, { secure: deps.secureCookies, maxAgeSeconds: SESSION_HOURS * 3600 }));
    res.append('set-cookie', setCookie(names.login, '', { secure: deps.secureCookies, maxAgeSeconds: 0, sameSite: 'Strict' }));
    deps.log.info({ ip }, 'console sign-in');
    res.redirect(303, next);
  });

  /** Everything else under /console needs a session; POSTs also need the session's CSRF token. */
  async function requireOperator(req: Request, res: Response, next: NextFunction) {
    if (!deps.operator) return closed(res);
    const session = await currentSession(req);
    if (!session) {
      if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, `/console/login?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
      return sendPage(res, 403, document('Sign in needed', html`<main><h1>Sign in needed</h1><p><a href="/console/login">Sign in</a></p></main>`));
    }
    const signedIn: SignedIn = { session, csrf: deps.sessions.csrfToken(session.sid) };
    res.locals.signedIn = signedIn;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return form(req, res, () => {
        if (!deps.sessions.checkCsrf(session.sid, (req.body as Record<string, unknown> | undefined)?._csrf)) {
          return sendPage(res, 403, document('Refused', html`<main><h1>Refused</h1><p>The form was stale or did not come from the console. Go back, reload and try again.</p></main>`));
        }
        next();
      });
    }
    next();
  }

  router.post('/console/logout', requireOperator, async (_req, res) => {
    await deps.store.revoke(signedIn(res).session.sid);
    res.append('set-cookie', setCookie(names.session, '', { secure: deps.secureCookies, maxAgeSeconds: 0 }));
    res.redirect(303, '/console/login');
  });

  return { router, requireOperator };
}

const waitText = (seconds: number) => (seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

export function signedIn(res: Response): SignedIn {
  return res.locals.signedIn as SignedIn;
}

/** The operator credential from the environment; a hash that is not ours stops the relay at start. */
export function operatorFromEnv(env: { CONSOLE_ADMIN_USER?: string; CONSOLE_ADMIN_PASSWORD_HASH?: string }): Operator | undefined {
  const user = env.CONSOLE_ADMIN_USER;
  const passwordHash = env.CONSOLE_ADMIN_PASSWORD_HASH;
  if (!user || !passwordHash) return undefined;
  if (!isPasswordHash(passwordHash)) throw new ConfigError('CONSOLE_ADMIN_PASSWORD_HASH is not a hash from `relay hash-password` (scrypt:N:r:p:salt:hash)');
  return { user, passwordHash };
}
