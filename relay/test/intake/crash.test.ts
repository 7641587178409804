// SIGKILL mid-stream: every webhook the relay acknowledged must still be there after a restart.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { send } from '../../src/simulate/simulate.ts';
import { startChild } from '../support/child.ts';

const cli = new URL('../../src/cli.ts', import.meta.url).pathname;
const token = 'crash-test-token-0123456789abcdef';
const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-crash-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

it('loses no acknowledged webhook when the relay is killed with SIGKILL and restarted', async () => {
  const configFile = path.join(dataDir, 'relay.json');
  // A long grace window keeps the finaliser out of the way: this test is about intake.
  writeFileSync(configFile, JSON.stringify({ finalisation: { graceSeconds: 3600 } }));
  const env: Record<string, string> = { PORT: '0', DATA_DIR: dataDir, RELAY_CONFIG: configFile, TWILIO_AUTH_TOKEN: token, WEBHOOK_SECRET: 'crash-webhook-secret-0123456789', LOG_LEVEL: 'silent' };
  if (process.env.TEST_DATABASE_URL) Object.assign(env, { DATABASE_URL: process.env.TEST_DATABASE_URL, DATABASE_SCHEMA: `crash_${randomBytes(4).toString('hex')}` });

  const first = await startChild(cli, ['start'], env);
  const account = 'AC' + randomBytes(16).toString('hex');
  const acknowledged: string[] = [];
  let sent = 0;
  let killed = false;
  const sendOne = async () => {
    const sid = 'CA' + randomBytes(16).toString('hex');
    const params = { AccountSid: account, CallSid: sid, CallStatus: 'ringing', From: '+15615550192', To: '+18005550199', Direction: 'inbound', SequenceNumber: '1' };
    sent += 1;
    try {
      const res = await send(`${first.url}/webhooks/twilio/voice`, `${first.url}/webhooks/twilio/voice`, token, params);
      if (res.status === 200) acknowledged.push(sid);
      await res.arrayBuffer();
    } catch {
      // The connection died with the process: not acknowledged, so Twilio would retry it.
    }
  };
  const workers = Array.from({ length: 8 }, async () => {
    while (!killed && sent < 2000) {
      await sendOne();
      if (acknowledged.length >= 150 && !killed) {
        killed = true;
        first.process.kill('SIGKILL');
      }
    }
  });
  await Promise.all(workers);
  await first.stop();
  assert.ok(acknowledged.length >= 150, 'the relay acknowledged webhooks before it was killed');

  const second = await startChild(cli, ['start'], env);
  try {
    // Stored events are merged into call rows in the background after the restart; a loaded
    // machine took longer than fifty rounds of polling, so the wait is bounded by time.
    let missing = acknowledged;
    const deadline = Date.now() + 180_000;
    while (missing.length > 0 && Date.now() < deadline) {
      const still: string[] = [];
      for (const sid of missing) {
        const res = await fetch(`${second.url}/api/calls/${sid}`);
        if (res.status !== 200) still.push(sid);
        await res.arrayBuffer();
      }
      missing = still;
      if (missing.length > 0) await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(missing, [], `all ${acknowledged.length} acknowledged webhooks survive the crash`);
  } finally {
    await second.stop();
  }
});
