// Transcript links: `${PUBLIC_URL}/t/<token>`, where the token names the call and, optionally,
// when the link stops working, signed with HMAC-SHA256 under a key id so keys can rotate without
// breaking links already in the CRMs (old keys stay in LINK_SIGNING_KEY for verifying only).
// The signature makes the link unguessable: knowing a call id is not enough to build its link.
//
//   v1.<keyId>.<base64url(callId)>.<expires: unix seconds in base36, 0 = never>.<base64url(hmac)>
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Key } from './keys.ts';

const TOKEN = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{1,100})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/;

/** forged: not one of our tokens at all; altered: ours in form but the signature does not match. */
export type LinkRefusal = 'forged' | 'altered' | 'unknown_key' | 'expired';

export type LinkCheck = { ok: true; callId: string; expiresAt: Date | null } | { ok: false; reason: LinkRefusal };

export class LinkSigner {
  private readonly keys: Key[];
  private readonly ttlDays: number;

  /** ttlDays 0 means links never expire (deleting or purging the call still ends them). */
  constructor(keys: Key[], ttlDays: number) {
    if (keys.length === 0) throw new Error('link signing needs at least one key');
    this.keys = keys;
    this.ttlDays = ttlDays;
  }

  sign(callId: string, now = new Date()): string {
    const key = this.keys[0]!;
    const expires = this.ttlDays > 0 ? Math.floor(now.getTime() / 1000) + this.ttlDays * 86_400 : 0;
    const body = `v1.${key.id}.${Buffer.from(callId, 'utf8').toString('base64url')}.${expires.toString(36)}`;
    return `${body}.${mac(key.secret, body).toString('base64url')}`;
  }

  url(publicUrl: string, callId: string, now = new Date()): string {
    return `${publicUrl.replace(/\/+$/, '')}/t/${this.sign(callId, now)}`;
  }

  verify(token: string, now = new Date()): LinkCheck {
    const match = TOKEN.exec(token);
    if (!match) return { ok: false, reason: 'forged' };
    const [, keyId, callIdPart, expiresPart, signature] = match as unknown as [string, string, string, string, string];
    const key = this.keys.find((k) => k.id === keyId);
    if (!key) return { ok: false, reason: 'unknown_key' };
    const expected = mac(key.secret, token.slice(0, token.lastIndexOf('.')));
    const given = Buffer.from(signature, 'base64url');
    // Lengths are equal by the pattern (43 base64url characters = 32 bytes), so the compare is constant-time.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'altered' };
    const expires = parseInt(expiresPart, 36);
    if (expires > 0 && expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, callId: Buffer.from(callIdPart, 'base64url').toString('utf8'), expiresAt: expires > 0 ? new Date(expires * 1000) : null };
  }
}

function mac(secret: Buffer, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}
