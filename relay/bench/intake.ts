// Webhook intake throughput and acknowledgement latency: the relay's Twilio status webhook
// (signature check, parse, durable store, acknowledge) against a bare express handler on the
// same machine, on PGlite and, when given, PostgreSQL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import twilio from 'twilio';
import { startChild } from '../test/support/child.ts';
import { runLoad, type LoadResult, type PreparedRequest } from './load.ts';

const TOKEN = 'bench-auth-token-0123456789abcdef';
const cli = new URL('../src/cli.ts', import.meta.url).pathname;
const bare = new URL('./bare-server.ts', import.meta.url).pathname;

function prepare(baseUrl: string, count: number): PreparedRequest[] {
  const account = 'AC' + randomBytes(16).toString('hex');
  return Array.from({ length: count }, () => {
    const params = {
      AccountSid: account,
      CallSid: 'CA' + randomBytes(16).toString('hex'),
      CallStatus: 'ringing',
      From: '+15615550192',
      To: '+18005550199',
      Direction: 'inbound',
      SequenceNumber: '1',
      Timestamp: new Date().toUTCString(),
    };
    return {
      path: '/webhooks/twilio/voice',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${baseUrl}/webhooks/twilio/voice`, params),
      },
      body: new URLSearchParams(params).toString(),
    };
  });
}

async function measure(script: string, env: Record<string, string>, requests: number, concurrency: number): Promise<LoadResult> {
  const child = await startChild(script, script === cli ? ['start'] : [], env);
  try {
    await runLoad(child.url, prepare(child.url, 300), concurrency); // warm up JIT and connections
    return await runLoad(child.url, prepare(child.url, requests), concurrency);
  } finally {
    await child.stop();
  }
}

export type IntakeBench = { engine: string; requests: number; concurrency: number; runs: number; bare: LoadResult; relay: LoadResult; ratio: number };

/** The run with the median throughput: one noisy run on a shared machine should not decide. */
function median(results: LoadResult[]): LoadResult {
  return [...results].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(results.length / 2)]!;
}

export async function benchIntake(options: { requests: number; concurrency: number; runs: number; databaseUrl?: string }): Promise<IntakeBench[]> {
  const engines: [string, Record<string, string>][] = [['pglite', {}]];
  if (options.databaseUrl) engines.push(['postgres', { DATABASE_URL: options.databaseUrl }]);
  const bareRuns: LoadResult[] = [];
  const relayRuns = new Map<string, LoadResult[]>(engines.map(([engine]) => [engine, []]));
  // Interleaved, so a slow minute on the machine costs each side alike.
  for (let run = 0; run < options.runs; run++) {
    bareRuns.push(await measure(bare, {}, options.requests, options.concurrency));
    for (const [engine, extra] of engines) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-bench-'));
      try {
        // On PostgreSQL, a fresh schema per run, so earlier runs' rows do not skew the figures.
        const schema: Record<string, string> = engine === 'postgres' ? { DATABASE_SCHEMA: `bench_${randomBytes(4).toString('hex')}` } : {};
        const env = { PORT: '0', DATA_DIR: dataDir, TWILIO_AUTH_TOKEN: TOKEN, WEBHOOK_SECRET: 'bench-webhook-secret-0123456789', LOG_LEVEL: 'warn', ...extra, ...schema };
        relayRuns.get(engine)!.push(await measure(cli, env, options.requests, options.concurrency));
        if (schema.DATABASE_SCHEMA) await dropSchema(options.databaseUrl!, schema.DATABASE_SCHEMA);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  const bareResult = median(bareRuns);
  return engines.map(([engine]) => {
    const relay = median(relayRuns.get(engine)!);
    return { engine, requests: options.requests, concurrency: options.concurrency, runs: options.runs, bare: bareResult, relay, ratio: relay.perSecond / bareResult.perSecond };
  });
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
}
