import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { CallStore } from '../../src/calls/store.ts';
import { RelayFile } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createMetrics } from '../../src/metrics.ts';
import { privacyApiRoutes } from '../../src/privacy/api-routes.ts';
import { protectAtRest } from '../../src/privacy/at-rest.ts';
import { KeyRing } from '../../src/privacy/encryption.ts';
import { formatKeys, generateKey } from '../../src/privacy/keys.ts';
import { LinkSigner } from '../../src/privacy/links.ts';
import { LoginLimiter } from '../../src/privacy/login-limiter.ts';
import { hashPassword } from '../../src/privacy/passwords.ts';
import { purgeAllExpired } from '../../src/privacy/retention.ts';
import { SessionSigner } from '../../src/privacy/sessions.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { Outbox } from '../../src/sync/outbox.ts';
import { createApp } from '../../src/web/app.ts';
import { consoleRoutes } from '../../src/web/console/routes.ts';
import { transcriptPageRoutes } from '../../src/web/transcript-page.ts';
import { testStore } from '../support/db.ts';
import { SECRET_WORDS, seedCall } from '../privacy/seed.ts';
import { listen } from '../support/listen.ts';

const PASSWORD = 'tangerine-otter-laminate-42';

describe('console and transcript page over HTTP', () => {
  const test = testStore();
  const lines: string[] = [];
  const log = createLogger('debug', new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }));
  const metrics = createMetrics();
  const linkKey = generateKey();
  const encryptionKey = generateKey();
  const links = new LinkSigner([linkKey], 0);
  const file = RelayFile.parse({ retention: { transcriptDays: 90 } });
  let db: Db;
  let server: Server;
  let base: string;
  let sessionCookies: string[] = [];

  before(async () => {
    db = await openDb(test.location, { schema: test.schema });
    protectAtRest(db, new KeyRing({ keys: [encryptionKey], file: undefined }));
    const store = new CallStore(db, 0);
    await seedCall(db, store, { callId: 'CAone', sinks: ['dry-run'], delivered: true });
    await seedCall(db, store, { callId: 'CAtwo', sinks: ['dry-run'], from: '+15615550777' });
    await seedCall(db, store, { callId: 'CAold', sinks: ['dry-run'], endedDaysAgo: 120 });
    await purgeAllExpired(db, 90);
    const outbox = new Outbox(db, { maxAttempts: 3, batchSize: 10, flushMs: 0, baseBackoffMs: 1, maxBackoffMs: 10, leaseSeconds: 60 }, metrics, log);
    const app = createApp({
      metrics,
      log,
      ready: async () => true,
      routers: [
        privacyApiRoutes({ db, keys: new KeyRing({ keys: [encryptionKey], file: undefined }), file, apiToken: undefined, log, onEnqueued: () => {} }),
        transcriptPageRoutes({ db, links, file, metrics, log }),
        consoleRoutes({
          db,
          outbox,
          sinks: [{ name: 'dry-run', apiUsage: () => [{ measure: 'requests per day', used: 950, limit: 1000 }] }],
          file,
          metrics,
          links,
          keys: new KeyRing({ keys: [encryptionKey], file: undefined }),
          onReplay: () => {},
          operator: { user: 'ops', passwordHash: await hashPassword(PASSWORD) },
          sessions: new SessionSigner(linkKey.secret),
          secureCookies: false,
          log,
          limiter: new LoginLimiter({ freePerPair: 3, baseDelayMs: 60_000 }),
        }),
      ],
    });
    ({ server, base } = await listen(app));
  });
  after(async () => {
    server.close();
    await db.close();
    await test.drop();
  });

  const cookieHeader = (setCookies: string[]) => setCookies.map((c) => c.split(';')[0]).join('; ');
  const get = (path: string, cookies: string[] = []) => fetch(base + path, { redirect: 'manual', headers: { cookie: cookieHeader(cookies) } });
  const post = (path: string, form: Record<string, string>, cookies: string[] = []) =>
    fetch(base + path, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(cookies) }, body: new URLSearchParams(form) });
  const csrfIn = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

  async function signIn(user: string, password: string) {
    const form = await get('/console/login');
    return post('/console/login', { _csrf: csrfIn(await form.text()), user, password, next: '/console/calls' }, form.headers.getSetCookie());
  }

  it('refuses every console page and action without a session', async () => {
    for (const path of ['/console', '/console/calls', '/console/calls/CAone', '/console/dead-letters', '/console/calls?intent=billing_question']) {
      const res = await get(path);
      assert.equal(res.status, 303, path);
      assert.equal(res.headers.get('location'), `/console/login?next=${encodeURIComponent(path)}`);
    }
    for (const path of ['/console/calls/CAone/delete', '/console/dead-letters/replay', '/console/logout']) {
      const res = await post(path, { all: '1' });
      assert.equal(res.status, 403, path);
    }
    const forgedSession = await get('/console', ['acs_session=eyJ1c2VyIjoib3BzIn0.bm90LWEtbWFj']);
    assert.equal(forgedSession.status, 303);
    assert.equal((await db.query(`select stage from calls where id = 'CAone'`))[0]?.stage, 'analysed', 'nothing was deleted');
  });

  it('signs in with the right credential and a fresh form only, with a safe session cookie', async () => {
    assert.equal((await signIn('ops', 'wrong-password-123')).status, 401);
    const noCsrf = await post('/console/login', { user: 'ops', password: PASSWORD });
    assert.equal(noCsrf.status, 403, 'a sign-in form from elsewhere is refused');
    const res = await signIn('ops', PASSWORD);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/console/calls');
    sessionCookies = res.headers.getSetCookie().filter((c) => c.startsWith('acs_session='));
    assert.equal(sessionCookies.length, 1);
    assert.match(sessionCookies[0]!, /HttpOnly/);
    assert.match(sessionCookies[0]!, /SameSite=Lax/);
    const overview = await get('/console', sessionCookies);
    assert.equal(overview.status, 200);
    assert.match(overview.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const page = await overview.text();
    assert.match(page, /data-testid="success-rate">100\.0%/, 'one delivered of one finished');
    assert.match(page, /<div class="bad">requests per day: 950 of 1,000 \(95%\)<\/div>/, 'API usage against the limit, flagged near it');
    for (const next of ['//evil.example.com/console', 'https://evil.example.com/', '/consolex', '/console/\\evil']) {
      const form = await get('/console/login');
      const res = await post('/console/login', { _csrf: csrfIn(await form.text()), user: 'ops', password: PASSWORD, next }, form.headers.getSetCookie());
      assert.equal(res.headers.get('location'), '/console', `never redirected to ${next}`);
    }
  });

  it('lists and filters calls, shows a call, and refuses a state change without the session CSRF token', async () => {
    const list = await (await get('/console/calls?sync=synced', sessionCookies)).text();
    assert.match(list, /data-testid="call-count">1 call</);
    assert.match(list, /Rosalind Quayle/, 'names are decrypted for the operator');
    const detail = await (await get('/console/calls/CAtwo', sessionCookies)).text();
    assert.match(detail, /\+15615550777/);
    assert.match(detail, /href="\/t\/v1\./);
    const withoutToken = await post('/console/calls/CAtwo/delete', {}, sessionCookies);
    assert.equal(withoutToken.status, 403);
    const otherSession = new SessionSigner(linkKey.secret).csrfToken('some-other-session');
    assert.equal((await post('/console/calls/CAtwo/delete', { _csrf: otherSession }, sessionCookies)).status, 403);
    assert.equal((await db.query(`select stage from calls where id = 'CAtwo'`))[0]?.stage, 'analysed');
    const deleted = await post('/console/calls/CAtwo/delete', { _csrf: csrfIn(detail) }, sessionCookies);
    assert.equal(deleted.status, 303);
    assert.equal((await db.query(`select stage from calls where id = 'CAtwo'`))[0]?.stage, 'deleted');
  });

  it('signs out for good: a copy of the cookie no longer works afterwards', async () => {
    const res = await signIn('ops', PASSWORD);
    const copied = res.headers.getSetCookie().filter((c) => c.startsWith('acs_session='));
    const page = await (await get('/console', copied)).text();
    const out = await post('/console/logout', { _csrf: csrfIn(page) }, copied);
    assert.equal(out.status, 303);
    assert.match(out.headers.getSetCookie().join(), /acs_session=; Path=\/; Max-Age=0/);
    assert.equal((await get('/console', copied)).status, 303, 'the signed-out session is refused');
    assert.equal((await get('/console', sessionCookies)).status, 200, 'other sessions go on');
  });

  it('slows sign-in for a user name from one address, even with the right password while the wait runs', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await signIn('ops', `guess-number-${i}-xx`)).status, 401);
    const limited = await signIn('ops', PASSWORD);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });

  it('serves the transcript page for a valid link and refuses forged, altered, deleted and purged ones', async () => {
    const ok = await get(`/t/${links.sign('CAone')}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('referrer-policy'), 'no-referrer');
    const page = await ok.text();
    assert.ok(page.includes(SECRET_WORDS), 'the transcript by speaker');
    assert.match(page, /0:02/, 'with timestamps');
    assert.match(page, /Billing question/);
    assert.ok(!page.includes('recordings.example.com'), 'no recording: no CRM policy shares recording links');

    const forgedBefore = (await metrics.forgedLinks.get()).values[0]?.value ?? 0;
    assert.equal((await get('/t/v1.nope.Q0FvbmU.0.' + 'A'.repeat(43))).status, 404);
    const altered = links.sign('CAone').replace(/\.[^.]+$/, '.' + 'B'.repeat(43));
    assert.equal((await get(`/t/${altered}`)).status, 404);
    assert.equal((await get(`/t/${new LinkSigner([{ id: linkKey.id, secret: generateKey().secret }], 0).sign('CAone')}`)).status, 404);
    assert.equal((await metrics.forgedLinks.get()).values[0]?.value, forgedBefore + 3, 'each refusal counted');

    assert.equal((await get(`/t/${links.sign('CAold')}`)).status, 410, 'purged by retention');
    assert.equal((await get(`/t/${links.sign('CAtwo')}`)).status, 410, 'deleted in the console');
    const expiredLink = new LinkSigner([linkKey], 1).sign('CAone', new Date(Date.now() - 2 * 86_400_000));
    assert.equal((await get(`/t/${expiredLink}`)).status, 410);

    const apiDelete = await fetch(`${base}/api/calls/CAone`, { method: 'DELETE' });
    assert.equal(apiDelete.status, 200);
    assert.deepEqual(await apiDelete.json(), { status: 'deleted', redactionsQueued: [] });
    assert.equal((await get(`/t/${links.sign('CAone')}`)).status, 410, 'deleted through the API');
    assert.equal((await fetch(`${base}/api/calls/CAnothing`, { method: 'DELETE' })).status, 404);
  });

  it('answers the key rotation and retention API on the machine itself', async () => {
    const rotate = await fetch(`${base}/api/keys/rotate`, { method: 'POST' });
    assert.equal(rotate.status, 200);
    assert.deepEqual(await rotate.json(), { rotated: false, activeKeyId: encryptionKey.id, rows: {} }, 'ENCRYPTION_KEY-style ring with one key: nothing to move');
    const purge = await fetch(`${base}/api/retention/purge`, { method: 'POST' });
    assert.deepEqual(await purge.json(), { purged: 0, transcriptDays: 90 }, 'the old call was purged at start');
  });

  it('logged none of the password, cookies, keys, transcript text or phone numbers', () => {
    const all = lines.join('');
    assert.ok(lines.some((l) => l.includes('console sign-in failed')), 'the flow above was logged');
    assert.ok(lines.some((l) => l.includes('transcript link refused')));
    const session = sessionCookies[0]!.split(';')[0]!.split('=')[1]!;
    for (const secret of [PASSWORD, session, linkKey.secret.toString('base64'), formatKeys([encryptionKey]), 'Rosalind', 'Pemberton', '5615550192', '5615550777']) {
      assert.ok(!all.includes(secret), `log holds ${secret.slice(0, 12)}…`);
    }
  });
});
