import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateKey } from '../../src/privacy/keys.ts';
import { LoginLimiter } from '../../src/privacy/login-limiter.ts';
import { hashPassword, isPasswordHash, verifyPassword } from '../../src/privacy/passwords.ts';
import { cookieNames, parseCookies, SessionSigner, setCookie } from '../../src/privacy/sessions.ts';

describe('operator passwords', () => {
  it('hashes with scrypt and a salt, verifies the right password only, and refuses malformed hashes', async () => {
    const hash = await hashPassword('correct horse battery staple');
    assert.ok(isPasswordHash(hash));
    assert.ok(!hash.includes('$') && !hash.includes('horse'));
    assert.notEqual(await hashPassword('correct horse battery staple'), hash, 'salted');
    assert.equal(await verifyPassword('correct horse battery staple', hash), true);
    assert.equal(await verifyPassword('correct horse battery stapler', hash), false);
    assert.equal(await verifyPassword('correct horse battery staple', hash.slice(0, -2)), false);
    assert.equal(await verifyPassword('x', 'plain-text-password'), false);
    assert.equal(await verifyPassword('x', hash.replace(/^scrypt:\d+/, 'scrypt:1073741824')), false);
    await assert.rejects(hashPassword('short'), /at least 12/);
  });
});

describe('console sessions and CSRF', () => {
  const signer = new SessionSigner(generateKey().secret);
  const pw = 'scrypt:32768:8:1:AAAAAAAAAAAAAAAAAAAAAA:' + 'B'.repeat(43);

  it('issues a signed session that reads back, and refuses tampered, expired or re-passworded ones', () => {
    const now = Date.now();
    const { cookie, session } = signer.issue('admin', pw, now);
    assert.deepEqual(signer.read(cookie, pw, now + 1000), session);
    const [body, mac] = cookie.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...session, user: 'root' })).toString('base64url');
    assert.equal(signer.read(`${forged}.${mac}`, pw, now), undefined);
    assert.equal(signer.read(`${body}.${mac.slice(1)}x`, pw, now), undefined);
    assert.equal(signer.read(cookie, pw, session.exp), undefined, 'the server enforces expiry');
    assert.equal(signer.read(cookie, pw.replace('B', 'C'), now), undefined, 'a new password ends old sessions');
    assert.equal(new SessionSigner(generateKey().secret).read(cookie, pw, now), undefined);
    assert.equal(signer.read(undefined, pw, now), undefined);
    assert.equal(signer.read('garbage', pw, now), undefined);
  });

  it('binds CSRF tokens to one session', () => {
    const token = signer.csrfToken('sid-1');
    assert.equal(signer.checkCsrf('sid-1', token), true);
    assert.equal(signer.checkCsrf('sid-2', token), false);
    assert.equal(signer.checkCsrf('sid-1', undefined), false);
    assert.equal(signer.checkCsrf(undefined, token), false);
    assert.equal(signer.checkCsrf('sid-1', token.slice(0, -1)), false);
  });

  it('sets HttpOnly, SameSite=Lax cookies, Secure with the __Host- prefix on https', () => {
    const secure = setCookie(cookieNames({ secure: true }).session, 'v', { secure: true, maxAgeSeconds: 60 });
    assert.equal(secure, '__Host-acs_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure');
    const plain = setCookie(cookieNames({ secure: false }).session, 'v', { secure: false, maxAgeSeconds: 60 });
    assert.ok(!plain.includes('Secure') && plain.includes('HttpOnly'));
    assert.deepEqual([...parseCookies('a=1; acs_session=x.y; b=2=3')], [['a', '1'], ['acs_session', 'x.y'], ['b', '2=3']]);
  });
});

describe('sign-in slow-down', () => {
  it('slows a user name from one address with doubling waits, and never locks the name out from elsewhere', () => {
    const limiter = new LoginLimiter({ freePerPair: 5, baseDelayMs: 1_000, maxDelayMs: 8_000 });
    let t = 1_000_000;
    for (let i = 0; i < 4; i++) assert.deepEqual(limiter.recordFailure('10.0.0.1', 'Admin', t), { waitSeconds: 0, by: null, failures: i + 1 });
    assert.equal(limiter.retryAfterSeconds('10.0.0.1', 'admin', t), 0, 'four failures are free');
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      t += 10 * 60_000;
      const slowed = limiter.recordFailure('10.0.0.1', 'admin', t);
      assert.equal(slowed.by, 'address and user name');
      assert.equal(limiter.retryAfterSeconds('10.0.0.1', 'ADMIN', t), slowed.waitSeconds, 'user names compare without case');
      waits.push(slowed.waitSeconds);
    }
    assert.deepEqual(waits, [1, 2, 4, 8, 8, 8], 'each failure doubles the wait, up to the cap');
    assert.equal(limiter.retryAfterSeconds('10.0.0.1', 'admin', t + 7_000), 1, 'the wait runs from the last failure');
    assert.equal(limiter.retryAfterSeconds('10.0.0.1', 'admin', t + 8_000), 0, 'and ends');
    assert.equal(limiter.retryAfterSeconds('10.0.0.2', 'admin', t), 0, 'the same user name from another address is not held back');
    assert.equal(limiter.retryAfterSeconds('10.0.0.1', 'someone', t), 0, 'nor another user name from this address, under its own count');
  });

  it('slows an address that tries many user names, forgets after a quiet hour, and clears a pair on success', () => {
    const limiter = new LoginLimiter({ freePerAddress: 20, baseDelayMs: 1_000 });
    const t = 1_000_000;
    for (let i = 0; i < 19; i++) limiter.recordFailure('10.0.0.9', `user${i}`, t);
    assert.equal(limiter.retryAfterSeconds('10.0.0.9', 'fresh', t), 0);
    assert.deepEqual(limiter.recordFailure('10.0.0.9', 'user19', t), { waitSeconds: 1, by: 'address', failures: 20 });
    assert.equal(limiter.retryAfterSeconds('10.0.0.9', 'fresh', t), 1, 'per address, whatever the user');
    assert.equal(limiter.retryAfterSeconds('10.0.0.9', 'fresh', t + 60 * 60_000), 0);
    assert.equal(limiter.recordFailure('10.0.0.9', 'again', t + 60 * 60_000).failures, 1, 'forgotten after an hour without failures');

    for (let i = 0; i < 4; i++) limiter.recordFailure('1.1.1.1', 'admin', t);
    limiter.recordSuccess('1.1.1.1', 'admin');
    assert.equal(limiter.recordFailure('1.1.1.1', 'admin', t).waitSeconds, 0, 'a success starts the pair over');
  });

  it('keeps memory bounded', () => {
    const limiter = new LoginLimiter({ maxEntries: 100 });
    for (let i = 0; i < 5000; i++) limiter.recordFailure(`10.0.${i >> 8}.${i & 255}`, `u${i}`);
    assert.ok(limiter.size <= 100);
  });
});
