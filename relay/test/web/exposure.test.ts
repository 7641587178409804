// Who the relay believes a request comes from, through the real HTTP server: the API without a
// token answers only requests made directly on this machine; the relay does not start without a
// token where it can be reached from elsewhere; forwarding headers count only from a proxy
// TRUST_PROXY names, for the API, the sign-in slow-down and the logs alike.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { Relay } from '../../src/pipeline.ts';
import { LoginLimiter } from '../../src/privacy/login-limiter.ts';
import { hashPassword } from '../../src/privacy/passwords.ts';
import { relayEnv, startRelayProcess, type RelayEnv } from '../support/relay-harness.ts';

const PASSWORD = 'saffron-lantern-quarry-77';

describe('API exposure and forwarded addresses', () => {
  const setups: RelayEnv[] = [];
  after(async () => {
    await Promise.all(setups.map((s) => s.cleanup()));
  });

  async function start(extra: Record<string, string>) {
    const setup = relayEnv({}, extra);
    setups.push(setup);
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    // Waits long enough that no test, however slow the machine, outlasts one.
    const relay = new Relay({ config: loadConfig(setup.env), log, loginLimiter: new LoginLimiter({ baseDelayMs: 10 * 60_000 }) });
    return { relay, url: await relay.start(), lines };
  }

  it('refuses to start without API_TOKEN behind a public URL or on a public interface, naming the setting', async () => {
    const refused = async (extra: Record<string, string>, pattern: RegExp) => {
      const setup = relayEnv({}, extra);
      setups.push(setup);
      const relay = new Relay({ config: loadConfig(setup.env), log: createLogger('silent') });
      await assert.rejects(relay.start(), (e: unknown) => e instanceof ConfigError && pattern.test(e.message), JSON.stringify(extra));
      await relay.stop();
    };
    await refused({ PUBLIC_URL: 'https://calls.example.com' }, /API_TOKEN is required because PUBLIC_URL is set/);
    await refused({ HOST: '0.0.0.0' }, /API_TOKEN is required because HOST=0\.0\.0\.0/);
    await refused({ HOST: '::' }, /API_TOKEN is required because HOST=::/);
    await refused({ TRUST_PROXY: 'true' }, /TRUST_PROXY: "true" is not an address/);
    await refused({ TRUST_PROXY: '2' }, /TRUST_PROXY: "2" is not an address/);
    await refused({ TRUST_PROXY: 'proxy.example.com' }, /TRUST_PROXY: .*invalid IP address/);
    assert.throws(() => loadConfig({ API_TOKEN: 'short' }), (e: unknown) => e instanceof ConfigError && /API_TOKEN: must be at least 16 characters/.test(e.message));

    // From the command line: exit code 2 and the reason, before anything listens.
    const setup = relayEnv({}, { PUBLIC_URL: 'https://calls.example.com', API_TOKEN: '' });
    setups.push(setup);
    await assert.rejects(startRelayProcess(setup), /exited with 2 before listening: (relay: )?API_TOKEN is required because PUBLIC_URL is set/);
  });

  it('without a token, answers only a direct request from this machine: any forwarding header is refused unless a trusted proxy wrote it', async () => {
    const { relay, url } = await start({});
    try {
      assert.equal((await fetch(`${url}/api/calls`)).status, 200, 'direct, on this machine');
      for (const header of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9;proto=https' }, { 'x-real-ip': '203.0.113.9' }, { 'x-forwarded-for': '127.0.0.1' }]) {
        const res = await fetch(`${url}/api/calls`, { headers: header });
        assert.equal(res.status, 401, JSON.stringify(header));
        assert.match(((await res.json()) as { error: string }).error, /set API_TOKEN/);
      }
      assert.equal((await fetch(`${url}/api/calls/x`, { method: 'DELETE', headers: { 'x-forwarded-for': '203.0.113.9' } })).status, 401, 'the privacy API too');
    } finally {
      await relay.stop();
    }
  });

  it('behind a trusted proxy, checks the client the proxy forwarded, not the proxy', async () => {
    const { relay, url } = await start({ TRUST_PROXY: 'loopback' });
    try {
      assert.equal((await fetch(`${url}/api/calls`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status, 401, 'a remote client through the proxy');
      // A client that writes its own X-Forwarded-For gets the proxy's address appended after it.
      assert.equal((await fetch(`${url}/api/calls`, { headers: { 'x-forwarded-for': '127.0.0.1, 203.0.113.9' } })).status, 401, 'a forged header ahead of the real client');
      assert.equal((await fetch(`${url}/api/calls`, { headers: { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '203.0.113.9' } })).status, 401, 'a header the relay does not read');
      assert.equal((await fetch(`${url}/api/calls`, { headers: { 'x-forwarded-for': '::1' } })).status, 200, 'a client on this machine through the proxy');
      assert.equal((await fetch(`${url}/api/calls`)).status, 200);
    } finally {
      await relay.stop();
    }
  });

  async function signInWith(url: string, user: string, password: string, headers: Record<string, string> = {}) {
    const form = await fetch(`${url}/console/login`, { headers });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    return fetch(`${url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
      body: new URLSearchParams({ _csrf: csrf, user, password, next: '/console' }),
    });
  }

  it('without a trusted proxy, a rotated X-Forwarded-For does not start a sign-in count over', async () => {
    const { relay, url, lines } = await start({ CONSOLE_ADMIN_USER: 'ops', CONSOLE_ADMIN_PASSWORD_HASH: await hashPassword(PASSWORD) });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await signInWith(url, 'ops', `wrong-guess-${i}-xx`, { 'x-forwarded-for': `198.51.100.${i}` })).status, 401);
      const res = await signInWith(url, 'ops', PASSWORD, { 'x-forwarded-for': '198.51.100.200' });
      assert.equal(res.status, 429, 'the address is the socket, whatever the header says');
      assert.ok(Number(res.headers.get('retry-after')) > 0);
      const slowed = lines.find((l) => l.msg === 'console sign-in slowed down after repeated failures');
      assert.equal(slowed?.ip, '127.0.0.1', 'the log names the socket address');
      assert.equal(slowed?.operatorName, true);
    } finally {
      await relay.stop();
    }
  });

  it("behind a trusted proxy, a guesser at the operator's user name slows only itself: the operator signs in from elsewhere", async () => {
    const { relay, url, lines } = await start({ TRUST_PROXY: '127.0.0.1,::1', CONSOLE_ADMIN_USER: 'ops', CONSOLE_ADMIN_PASSWORD_HASH: await hashPassword(PASSWORD) });
    try {
      const attacker = { 'x-forwarded-for': '203.0.113.9' };
      for (let i = 0; i < 5; i++) assert.equal((await signInWith(url, 'ops', `wrong-guess-${i}-xx`, attacker)).status, 401);
      assert.equal((await signInWith(url, 'ops', PASSWORD, attacker)).status, 429, 'the guesser waits, even with the right password');
      const slowed = lines.find((l) => l.msg === 'console sign-in slowed down after repeated failures');
      assert.deepEqual({ ip: slowed?.ip, failures: slowed?.failures, by: slowed?.by }, { ip: '203.0.113.9', failures: 5, by: 'address and user name' }, 'the lock-out is logged with the client address');
      const operator = await signInWith(url, 'ops', PASSWORD, { 'x-forwarded-for': '198.51.100.7' });
      assert.equal(operator.status, 303, 'the operator, from another address, is not locked out');
      assert.equal(operator.headers.get('location'), '/console');
      assert.equal(lines.find((l) => l.msg === 'console sign-in')?.ip, '198.51.100.7');
    } finally {
      await relay.stop();
    }
  });
});
