// A whole relay for end-to-end tests: in this process (Relay) or in a child process (the CLI,
// for SIGKILL), on PGlite in a temporary folder or, with TEST_DATABASE_URL, on a fresh schema of
// that PostgreSQL. Calls arrive through the signed generic webhook, as a platform would send them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { signGeneric, type GenericCall } from '../../src/ingest/generic.ts';
import { createLogger } from '../../src/log.ts';
import { Relay } from '../../src/pipeline.ts';
import { scenarios } from '../../src/simulate/scenarios.ts';
import { startChild, type Child } from './child.ts';

export const WEBHOOK_SECRET = 'harness-webhook-secret-0123456789';
const cli = new URL('../../src/cli.ts', import.meta.url).pathname;

export type RelayEnv = { env: Record<string, string>; dataDir: string; cleanup(): Promise<void> };

/** Environment for one relay (or several sharing one store), with its config file written. */
export function relayEnv(file: unknown, extra: Record<string, string> = {}): RelayEnv {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-e2e-'));
  const configFile = path.join(dataDir, 'relay.json');
  writeFileSync(configFile, JSON.stringify(file));
  const env: Record<string, string> = {
    PORT: '0',
    DATA_DIR: dataDir,
    RELAY_CONFIG: configFile,
    LOG_LEVEL: 'silent',
    TWILIO_AUTH_TOKEN: 'harness-twilio-token-0123456789ab',
    WEBHOOK_SECRET,
    ...extra,
  };
  const url = process.env.TEST_DATABASE_URL;
  const schema = url ? `e2e_${randomBytes(5).toString('hex')}` : undefined;
  if (url && schema) Object.assign(env, { DATABASE_URL: url, DATABASE_SCHEMA: schema });
  return {
    env,
    dataDir,
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      if (url && schema) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
      }
    },
  };
}

export async function startRelay(setup: RelayEnv): Promise<{ relay: Relay; url: string }> {
  const relay = new Relay({ config: loadConfig(setup.env), log: createLogger('silent') });
  return { relay, url: await relay.start() };
}

export function startRelayProcess(setup: RelayEnv): Promise<Child> {
  return startChild(cli, ['start'], setup.env);
}

/** A realistic finished call, varied by index: scenario text, numbers, times. */
export function genericCall(i: number, prefix = 'call'): GenericCall {
  const scenario = scenarios[i % scenarios.length]!;
  const ended = Date.now() - 1000;
  return {
    callId: `${prefix}-${i}-${randomBytes(3).toString('hex')}`,
    agentId: 'front-desk',
    from: `+1561555${String(1000 + (i % 9000)).padStart(4, '0')}`,
    to: '+18005550199',
    startedAt: new Date(ended - scenario.durationSeconds * 1000).toISOString(),
    endedAt: new Date(ended).toISOString(),
    transcript: scenario.lines.map(([speaker, text]) => ({ speaker, text })),
  };
}

export async function postCall(url: string, call: GenericCall): Promise<Response> {
  const body = JSON.stringify(call);
  return fetch(`${url}/webhooks/calls`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': signGeneric(WEBHOOK_SECRET, body) }, body });
}

/** Posts calls with a few requests in flight, failing on any refusal. */
export async function postCalls(url: string | (() => string), calls: GenericCall[], concurrency = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls.length) {
        const call = calls[next++]!;
        const res = await postCall(typeof url === 'string' ? url : url(), call);
        if (res.status !== 200) throw new Error(`webhook for ${call.callId} answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
