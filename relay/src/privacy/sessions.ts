// Console sessions and CSRF tokens. A session is a signed cookie (HMAC-SHA256) carrying the
// user, a random session id and an expiry the server checks on every request, so a stolen or
// replayed cookie stops working at its expiry whatever the browser does. It also carries a
// fingerprint of the password hash: changing the admin password signs every session out.
//
// CSRF: every state-changing form carries a token that is an HMAC of the session id (the
// synchroniser pattern without server state); the sign-in form, before any session exists, is
// bound the same way to a short-lived random cookie.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const SESSION_HOURS = 8;

const Payload = z.object({ sid: z.string(), user: z.string(), exp: z.number(), fp: z.string() });
export type Session = z.infer<typeof Payload>;

export type CookieOptions = { secure: boolean };

export class SessionSigner {
  private readonly key: Buffer;

  constructor(secret: Buffer) {
    // A key of its own, derived from the relay's signing secret, so a session MAC can never
    // double as a transcript link signature.
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'ai-call-sync console session v1', 32));
  }

  /** Short fingerprint of the password hash: sessions made under another password are refused. */
  static fingerprint(passwordHash: string): string {
    return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);
  }

  issue(user: string, passwordHash: string, now = Date.now()): { cookie: string; session: Session } {
    const session: Session = { sid: randomBytes(18).toString('base64url'), user, exp: now + SESSION_HOURS * 3_600_000, fp: SessionSigner.fingerprint(passwordHash) };
    const body = Buffer.from(JSON.stringify(session)).toString('base64url');
    return { cookie: `${body}.${this.mac(`session:${body}`)}`, session };
  }

  /** The session a cookie carries, or undefined when it is missing, tampered with or expired. */
  read(cookie: string | undefined, passwordHash: string, now = Date.now()): Session | undefined {
    if (!cookie) return undefined;
    const dot = cookie.indexOf('.');
    if (dot <= 0) return undefined;
    const body = cookie.slice(0, dot);
    if (!this.equal(cookie.slice(dot + 1), this.mac(`session:${body}`))) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const session = Payload.safeParse(parsed);
    if (!session.success || session.data.exp <= now || session.data.fp !== SessionSigner.fingerprint(passwordHash)) return undefined;
    return session.data;
  }

  /** The CSRF token for forms bound to a session id, or to the sign-in cookie before sign-in. */
  csrfToken(binding: string): string {
    return this.mac(`csrf:${binding}`);
  }

  checkCsrf(binding: string | undefined, given: unknown): boolean {
    return typeof binding === 'string' && binding !== '' && typeof given === 'string' && this.equal(given, this.csrfToken(binding));
  }

  private mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }

  private equal(a: string, b: string): boolean {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
  }
}

/** Cookie names: the __Host- prefix when Secure, so no subdomain can plant or shadow them. */
export function cookieNames(options: CookieOptions): { session: string; login: string } {
  return options.secure ? { session: '__Host-acs_session', login: '__Host-acs_login' } : { session: 'acs_session', login: 'acs_login' };
}

export function setCookie(name: string, value: string, options: CookieOptions & { maxAgeSeconds: number; sameSite?: 'Lax' | 'Strict' }): string {
  return [
    `${name}=${value}`,
    'Path=/',
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    `SameSite=${options.sameSite ?? 'Lax'}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}
