// Webhook intake throughput and acknowledgement latency: the relay's Twilio status webhook
// (signature check, parse, durable store, acknowledge) against a bare express handler on the
// same machine, on PGlite and, when given, PostgreSQL.
//
// A shared 2-core machine changes speed from one second to the next (runs of the same server
// differ by half), so each relay and a bare server are started once and measured in short rounds
// taken in turn; each round's ratio compares runs seconds apart, and the figure is the median
// round. CPU time per request, read from /proc, is printed as well: it moves less with the
// machine's mood.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import twilio from 'twilio';
import { startChild, type Child } from '../test/support/child.ts';
import { runLoad, runPaced, type LoadResult, type PreparedRequest } from './load.ts';

const TOKEN = 'bench-auth-token-0123456789abcdef';
// Twilio calls a public https URL, and the relay behind its TLS proxy is told it (PUBLIC_URL);
// the signature covers that URL, not the loopback address the benchmark connects to.
const PUBLIC_URL = 'https://relay.example.com';
const cli = new URL('../src/cli.ts', import.meta.url).pathname;
const bare = new URL('./bare-server.ts', import.meta.url).pathname;

function prepare(count: number): PreparedRequest[] {
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
        'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC_URL}/webhooks/twilio/voice`, params),
      },
      body: new URLSearchParams(params).toString(),
    };
  });
}

/** CPU seconds the process has used, all threads; null where /proc is not there. */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** CPU seconds used by every PostgreSQL server process (the relay's share of the work there). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(Number(pid)) ?? 0;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

export type Summary = { perSecond: number; p50Ms: number; p99Ms: number; errors: number; cpuMicrosPerRequest: number | null };
export type IntakeBench = {
  engine: string;
  requests: number;
  concurrency: number;
  rounds: number;
  bare: Summary;
  relay: Summary;
  /** PostgreSQL server CPU per request, for the postgres engine. */
  databaseCpuMicrosPerRequest: number | null;
  /** Median of the rounds' relay/bare throughput ratios, and the lowest and highest round. */
  ratio: number;
  ratioRange: [number, number];
  /** Acknowledgement latency at a steady rate below saturation, as a platform sends webhooks. */
  paced: { perSecond: number; relay: LoadResult };
  /**
   * A steady rate above what merging at its resting pace keeps up with: acknowledgement latency,
   * and how many acknowledged events were still waiting to be merged into their calls, sampled
   * each second (the largest) and when the last webhook was answered.
   */
  sustained: { perSecond: number; relay: LoadResult; backlogMax: number; backlogAtEnd: number };
};

/** Acknowledged webhooks not yet merged into their calls (nor dropped as repeats), from the relay's own counters. */
async function backlog(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (pattern: RegExp) => [...text.matchAll(pattern)].reduce((n, m) => n + Number(m[1]), 0);
  return sum(/^relay_webhooks_total\{[^}]*result="accepted"[^}]*\} (\d+)/gm) - sum(/^relay_events_(?:merged|duplicate)_total (\d+)/gm);
}

async function sustainedRun(url: string, perSecond: number, seconds: number): Promise<IntakeBench['sustained']> {
  let backlogMax = 0;
  const sampler = setInterval(() => void backlog(url).then((n) => (backlogMax = Math.max(backlogMax, n)), () => {}), 1000);
  const relay = await runPaced(url, prepare(perSecond * seconds), perSecond).finally(() => clearInterval(sampler));
  const backlogAtEnd = await backlog(url);
  return { perSecond, relay, backlogMax: Math.max(backlogMax, backlogAtEnd), backlogAtEnd };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

type Round = LoadResult & { cpu: number | null; databaseCpu: number };

// The relay merges what it acknowledged right after a burst; waiting for that before the next
// measurement keeps one run's background work from being counted against the next.
const afterBurst = () => new Promise((resolve) => setTimeout(resolve, 1500));

async function round(child: Child, requests: number, concurrency: number): Promise<Round> {
  const prepared = prepare(requests);
  const pid = child.process.pid!;
  const [cpu0, db0] = [cpuSeconds(pid), postgresCpuSeconds()];
  const result = await runLoad(child.url, prepared, concurrency);
  const [cpu1, db1] = [cpuSeconds(pid), postgresCpuSeconds()];
  await afterBurst();
  return { ...result, cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, databaseCpu: db1 - db0 };
}

function summarise(rounds: Round[]): Summary {
  const cpu = rounds.every((r) => r.cpu !== null) ? median(rounds.map((r) => (r.cpu! * 1e6) / r.requests)) : null;
  return {
    perSecond: median(rounds.map((r) => r.perSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    cpuMicrosPerRequest: cpu === null ? null : Math.round(cpu),
  };
}

type IntakeOptions = {
  requests: number;
  concurrency: number;
  rounds: number;
  pacedPerSecond: number;
  pacedSeconds: number;
  sustainedPerSecond: number;
  sustainedSeconds: number;
  databaseUrl?: string;
};

export async function benchIntake(options: IntakeOptions): Promise<IntakeBench[]> {
  const engines: [string, Record<string, string>][] = [['pglite', {}]];
  if (options.databaseUrl) engines.push(['postgres', { DATABASE_URL: options.databaseUrl, DATABASE_SCHEMA: `bench_${randomBytes(4).toString('hex')}` }]);
  const results: IntakeBench[] = [];
  // One engine at a time, each against its own bare rounds: a relay left running beside the one
  // measured (or PostgreSQL vacuuming after its rounds) takes CPU from the one being measured.
  for (const [engine, env] of engines) results.push(await benchEngine(engine, env, options));
  return results;
}

async function benchEngine(
  engine: string,
  env: Record<string, string>,
  options: IntakeOptions,
): Promise<IntakeBench> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-bench-'));
  const relayEnv = { PORT: '0', DATA_DIR: dataDir, TWILIO_AUTH_TOKEN: TOKEN, WEBHOOK_SECRET: 'bench-webhook-secret-0123456789', LOG_LEVEL: 'warn', PUBLIC_URL, API_TOKEN: 'bench-api-token-0123456789', ...env };
  const bareChild = await startChild(bare, [], {});
  const relayChild = await startChild(cli, ['start'], relayEnv).catch(async (error) => {
    await bareChild.stop();
    throw error;
  });
  const bareRounds: Round[] = [];
  const relayRounds: Round[] = [];
  let paced: LoadResult;
  let sustained: IntakeBench['sustained'];
  try {
    for (const child of [bareChild, relayChild]) await runLoad(child.url, prepare(300), options.concurrency); // warm up JIT and connections
    for (let r = 0; r < options.rounds; r++) {
      bareRounds.push(await round(bareChild, options.requests, options.concurrency));
      relayRounds.push(await round(relayChild, options.requests, options.concurrency));
    }
    paced = await runPaced(relayChild.url, prepare(options.pacedPerSecond * options.pacedSeconds), options.pacedPerSecond);
    await afterBurst();
    sustained = await sustainedRun(relayChild.url, options.sustainedPerSecond, options.sustainedSeconds);
  } finally {
    await Promise.all([bareChild.stop(), relayChild.stop()]);
    if (env.DATABASE_SCHEMA && options.databaseUrl) await dropSchema(options.databaseUrl, env.DATABASE_SCHEMA);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const ratios = relayRounds.map((r, i) => r.perSecond / bareRounds[i]!.perSecond);
  const databaseCpu = engine === 'postgres' ? Math.round(median(relayRounds.map((r) => (r.databaseCpu * 1e6) / r.requests))) : null;
  return {
    engine,
    requests: options.requests,
    concurrency: options.concurrency,
    rounds: options.rounds,
    bare: summarise(bareRounds),
    relay: summarise(relayRounds),
    databaseCpuMicrosPerRequest: databaseCpu,
    ratio: median(ratios),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    paced: { perSecond: options.pacedPerSecond, relay: paced },
    sustained,
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
}
