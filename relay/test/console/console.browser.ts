// Browser tests of the console, in Debian's chromium through playwright-core, against a whole
// relay (webhooks, finaliser, outbox, dry-run sink) fed with simulated Twilio calls.
// Run: npm run test:browser (needs /usr/bin/chromium: apt-get install -y chromium).
// Screenshots go to test-artifacts/console/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { Relay } from '../../src/pipeline.ts';
import { atRest } from '../../src/privacy/at-rest.ts';
import { hashPassword } from '../../src/privacy/passwords.ts';
import { scenarios } from '../../src/simulate/scenarios.ts';
import { simulate } from '../../src/simulate/simulate.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../../../test-artifacts/console/', import.meta.url).pathname;
const USER = 'operator';
const PASSWORD = 'violet-harbour-sextant-91';
const AUTH_TOKEN = 'browser-test-twilio-token-0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('operator console in chromium', () => {
  const logLines: string[] = [];
  let relay: Relay;
  let base: string;
  let browser: Browser;
  let page: Page;
  let callSids: string[];
  let dataDir: string;
  let stopped = false;

  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = mkdtempSync(path.join(tmpdir(), 'relay-console-'));
    const relayConfig = path.join(dataDir, 'relay.json');
    writeFileSync(relayConfig, JSON.stringify({ finalisation: { graceSeconds: 5 }, delivery: { flushMs: 0, baseBackoffMs: 10, maxBackoffMs: 100 } }));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      API_TOKEN: 'browser-test-api-token-0123456789',
      DATA_DIR: path.join(dataDir, 'data'),
      RELAY_CONFIG: relayConfig,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      WEBHOOK_SECRET: 'browser-test-webhook-secret-0123456789',
      CONSOLE_ADMIN_USER: USER,
      CONSOLE_ADMIN_PASSWORD_HASH: await hashPassword(PASSWORD),
    });
    relay = new Relay({ config, log: createLogger('debug', new Writable({ write: (c, _e, done) => (logLines.push(String(c)), done()) })) });
    await relay.start();
    const sent = await simulate({ url: base, authToken: AUTH_TOKEN, calls: scenarios.length });
    assert.equal(sent.failures, 0);
    callSids = sent.callSids;
    await until('every call analysed and delivered', async () => {
      const [row] = await relay.db.query<{ analysed: number; delivered: number }>(
        `select (select count(*)::int from calls where stage = 'analysed') as analysed, (select count(*)::int from deliveries where status = 'delivered') as delivered`,
      );
      return row!.analysed === callSids.length && row!.delivered === callSids.length;
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
  });

  after(async () => {
    await browser?.close();
    if (!stopped) await relay?.stop();
  });

  it('sends unauthenticated visitors to sign-in, and signs in with the configured credential', async () => {
    await page.goto(`${base}/console/calls`);
    assert.match(page.url(), /\/console\/login\?next=%2Fconsole%2Fcalls$/);
    await page.getByLabel('User name').fill(USER);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /Wrong user name or password/);
    await shot('01-sign-in-refused');
    await page.getByLabel('User name').fill(USER);
    await page.getByLabel('Password').fill(PASSWORD);
    // Keyboard only: Enter submits.
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL(`${base}/console/calls`);
    assert.equal(await page.getByTestId('call-count').innerText(), `${callSids.length} calls`);
    await shot('02-calls');
  });

  it('charts the calls, intents, latency and dead letters on the overview, each with its numbers', async () => {
    await page.goto(`${base}/console`);
    for (const id of ['chart-calls-per-hour', 'chart-intents', 'chart-latency']) {
      const chart = page.getByTestId(id);
      assert.equal(await chart.getAttribute('role'), 'img', `${id} is an image to assistive technology`);
      assert.match((await chart.locator('desc').textContent()) ?? '', new RegExp(`^${callSids.length} calls in all`), `${id} says what it shows`);
      assert.ok((await page.getByTestId(`${id}-table`).locator('tbody tr').count()) > 0, `${id} has its numbers in a table`);
    }
    await shot('02b-overview-charts');
    // The tests after this one go on from the calls list.
    await page.goto(`${base}/console/calls`);
  });

  it('filters the list by intent and outcome', async () => {
    const [target] = await relay.db.query<{ intent: string; n: number }>(
      `select analysis->'insights'->>'intent' as intent, count(*)::int as n from calls group by 1 order by 2 desc, 1 limit 1`,
    );
    const label = await page.locator(`#f-intent option[value="${target!.intent}"]`).innerText();
    await page.getByLabel('Intent').selectOption(target!.intent);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/intent=/);
    assert.equal(await page.getByTestId('call-count').innerText(), `${target!.n} ${target!.n === 1 ? 'call' : 'calls'}`);
    const intents = await page.locator('tbody tr td:nth-child(4)').allInnerTexts();
    assert.equal(intents.length, target!.n);
    assert.ok(intents.every((t) => t === label));
    await page.getByLabel('Sync status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/sync=failed/);
    assert.equal(await page.getByTestId('call-count').innerText(), '0 calls');
    await shot('03-calls-filtered');
  });

  it('opens a call with its insights, history and run log, and follows its transcript link', async () => {
    await page.getByRole('link', { name: 'Clear' }).click();
    // The first simulated scenario: a ten-line conversation.
    await page.locator(`tbody a[href="/console/calls/${callSids[0]}"]`).click();
    await page.getByRole('heading', { name: 'Insights' }).waitFor();
    for (const heading of ['Redaction report', 'State history', 'Deliveries']) assert.ok(await page.getByRole('heading', { name: heading }).isVisible());
    assert.match(await page.locator('main').innerText(), /call_completed in a batch of \d+: salesforce, hubspot\tdelivered/, 'the run log: request summary and outcome');
    await shot('04-call-detail');
    await page.getByTestId('transcript-link').click();
    await page.getByRole('heading', { name: 'Call transcript' }).waitFor();
    const turns = await page.locator('ol.transcript li').count();
    assert.equal(turns, scenarios[0]!.lines.length, 'every turn of the conversation');
    const speakers = new Set(await page.locator('ol.transcript .who').allInnerTexts());
    assert.deepEqual([...speakers].sort(), ['Agent', 'Caller'], 'by speaker (Twilio streams no offsets, so no times here; the HTTP test covers them)');
    await shot('05-transcript-page');
  });

  it('gives each CRM a working signed link, and refuses an altered one', async () => {
    const requests = await relay.db.query<{ request: unknown }>(`select request from dry_run_requests where sink = 'salesforce'`);
    const links = requests.map((r) => /"Transcript_URL__c":"([^"]+)"/.exec(JSON.stringify(atRest(relay.db).openJson(r.request)))?.[1]).filter((u) => u !== undefined);
    // Every call with a transcript gets a link; a call where nobody spoke has none.
    assert.ok(links.length >= callSids.length - 1, `${links.length} links for ${callSids.length} calls`);
    const url = links[0]!;
    assert.ok(url.startsWith(`${base}/t/v1.`), url);
    assert.equal((await page.goto(url))?.status(), 200);
    assert.equal((await page.goto(url.slice(0, -3) + (url.endsWith('AAA') ? 'BBB' : 'AAA')))?.status(), 404);
  });

  it('replays a dead letter', async () => {
    // An outage the test does not need to stage: one delivery exhausted its tries.
    const [delivery] = await relay.db.query<{ id: string; call_id: string; sink: string }>(`select id, call_id, sink from deliveries order by id limit 1`);
    await relay.db.query(`update deliveries set status = 'dead', attempts = 8, last_error = 'HTTP 503 from the CRM' where id = $1`, [delivery!.id]);
    await relay.db.query(`insert into dead_letters (delivery_id, call_id, sink, attempts, error) values ($1, $2, $3, 8, 'HTTP 503 from the CRM')`, [delivery!.id, delivery!.call_id, delivery!.sink]);
    await page.goto(`${base}/console`);
    await page.getByRole('link', { name: 'Dead letters' }).first().click();
    assert.ok(await page.getByRole('cell', { name: 'HTTP 503 from the CRM' }).isVisible());
    await shot('06-dead-letters');
    await page.getByRole('button', { name: `Replay delivery ${delivery!.id}` }).click();
    await page.getByRole('status').waitFor();
    assert.match(await page.getByRole('status').innerText(), /1 delivery queued again/);
    await until('the replayed delivery delivered', async () => (await relay.db.query(`select 1 from deliveries where id = $1 and status = 'delivered'`, [delivery!.id])).length === 1);
    await page.reload();
    assert.match(await page.locator('main').innerText(), /None\./);
    await shot('07-dead-letter-replayed');
  });

  it('deletes a call, after which its transcript link answers 410 Gone', async () => {
    const callId = callSids[0]!;
    await page.goto(`${base}/console/calls/${callId}`);
    const link = await page.getByTestId('transcript-link').getAttribute('href');
    await page.getByRole('button', { name: 'Delete call' }).click();
    await page.getByRole('status').waitFor();
    assert.match(await page.getByRole('status').innerText(), /deleted/);
    await shot('08-call-deleted');
    const res = await page.goto(`${base}${link}`);
    assert.equal(res?.status(), 410);
    await shot('09-transcript-gone');
  });

  it('works on a phone-sized screen, with every field labelled', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/console/calls`);
    // Evaluated in the page (the relay's TypeScript has no DOM types).
    const unlabelled = await page.evaluate(
      `[...document.querySelectorAll('input:not([type=hidden]), select')].filter((el) => !el.id || !document.querySelector('label[for="' + el.id + '"]')).length`,
    );
    assert.equal(unlabelled, 0);
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    // Keyboard: the first Tab reaches the skip link, which leads to the content.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    await shot('10-calls-phone');
    await page.goto(`${base}/console`);
    await shot('11-overview-phone');
  });

  it('left no transcript text or phone numbers in the database files or the logs, and no secrets in the logs', async () => {
    await relay.stop();
    stopped = true;
    const words = scenarios.flatMap((s) => s.lines.map(([, text]) => text)).filter((t) => t.length > 20).slice(0, 12);
    const numbers = scenarios.map((s) => s.from.slice(2));
    const files = filesUnder(path.join(dataDir, 'data', 'pglite')).map((f) => readFileSync(f));
    for (const needle of [...words, ...numbers]) {
      assert.ok(!files.some((f) => f.includes(Buffer.from(needle))), `"${needle}" found in the database files`);
    }
    const log = logLines.join('');
    assert.ok(log.includes('relay started'));
    const keySecrets = ['encryption-keys', 'link-keys'].flatMap((f) => readFileSync(path.join(dataDir, 'data', f), 'utf8').trim().split(',').map((k) => k.split(':')[1]!));
    for (const needle of [...words, ...numbers, PASSWORD, AUTH_TOKEN, ...keySecrets]) assert.ok(!log.includes(needle), `"${needle.slice(0, 16)}…" found in the log`);
  });
});
