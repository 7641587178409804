// `npm run bench`: every benchmark, printed as ratios and per-call figures, and written with the
// machine they ran on to relay/bench/results.json. BENCH_DATABASE_URL (default: the local
// PostgreSQL used by CI) adds the PostgreSQL runs; BENCH_QUICK=1 shortens them.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { benchDelivery, type DeliveryBench } from './delivery.ts';
import { benchIntake } from './intake.ts';
import { measureHubSpotSync } from '../test/hubspot/measure.ts';
import { benchCallerContext } from './caller-context.ts';

const quick = process.env.BENCH_QUICK === '1';
const databaseUrl = await reachable(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

async function reachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return url;
  } catch {
    process.stdout.write(`PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//')} not reachable: PGlite only\n`);
    return undefined;
  }
}

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
};

const print = (line: string) => process.stdout.write(`${line}\n`);
print(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`);

print('\n== webhook intake (Twilio status callbacks, signed, stored durably before the acknowledgement; 16 in flight; servers measured in turn, median round)');
const intake = await benchIntake({ requests: quick ? 1000 : 2000, concurrency: 16, rounds: quick ? 3 : 9, pacedPerSecond: 500, pacedSeconds: quick ? 4 : 10, sustainedPerSecond: 1200, sustainedSeconds: quick ? 5 : 15, databaseUrl });
const micros = (n: number | null) => (n === null ? 'n/a' : `${n} us`);
for (const r of intake) {
  print(
    `${r.engine.padEnd(9)} relay ${Math.round(r.relay.perSecond)}/s vs bare express ${Math.round(r.bare.perSecond)}/s: ratio ${r.ratio.toFixed(2)} (rounds ${r.ratioRange.map((x) => x.toFixed(2)).join('-')}; aim >= 0.5); ack p50 ${r.relay.p50Ms.toFixed(1)} ms, p99 ${r.relay.p99Ms.toFixed(1)} ms (aim < 20); CPU per request ${micros(r.relay.cpuMicrosPerRequest)} vs ${micros(r.bare.cpuMicrosPerRequest)}${r.databaseCpuMicrosPerRequest === null ? '' : ` + ${r.databaseCpuMicrosPerRequest} us in PostgreSQL`}; at a steady ${r.paced.perSecond} webhooks/s: ack p50 ${r.paced.relay.p50Ms.toFixed(1)} ms, p99 ${r.paced.relay.p99Ms.toFixed(1)} ms, ${r.paced.relay.errors} errors; at a steady ${r.sustained.perSecond}/s for ${Math.round(r.sustained.relay.seconds)} s: ack p50 ${r.sustained.relay.p50Ms.toFixed(1)} ms, p99 ${r.sustained.relay.p99Ms.toFixed(1)} ms, ${r.sustained.relay.errors} errors, events waiting to be merged at most ${r.sustained.backlogMax}, ${r.sustained.backlogAtEnd} at the end`,
  );
}

print('\n== Salesforce delivery (whole relay, local org, offline analyser)');
const delivery: DeliveryBench[] = [];
for (const [rate, seconds] of [
  [1, quick ? 10 : 30],
  [50, quick ? 10 : 30],
] as const) {
  for (const url of databaseUrl ? [undefined, databaseUrl] : [undefined]) {
    const r = await benchDelivery({ callsPerSecond: rate, seconds, databaseUrl: url });
    delivery.push(r);
    print(
      `${r.engine.padEnd(9)} ${String(rate).padStart(2)} calls/s: ${r.publishRequestsPerCall} API requests per synced call (${r.httpRequestsPerCall} with token requests); call end -> accepted p50 ${r.endToAcceptedMs.p50} ms, p99 ${r.endToAcceptedMs.p99} ms; analysed -> accepted p50 ${r.analysedToAcceptedMs.p50} ms, p99 ${r.analysedToAcceptedMs.p99} ms`,
    );
  }
}

print('\n== HubSpot sync (sink through @hubspot/api-client, local portal)');
const hubspot = await measureHubSpotSync();
print(
  `requests per call (associations included): new caller ${hubspot.newCallerRequests} (aim <= 4), known caller ${hubspot.knownCallerRequests}, a caller HubSpot has with a company and an open deal ${hubspot.existingWithCompanyAndDealRequests} on the first call and ${hubspot.knownWithCompanyAndDealRequests} after, replay ${hubspot.replayRequests} (aim 0); under load (batches of ${hubspot.batchSize}) ${hubspot.loadNewPerCall} new / ${hubspot.loadKnownPerCall} known; limiter peak ${hubspot.peakPerTenSeconds} per 10 s against a limit of ${hubspot.tenSecondLimit} (budget ${hubspot.tenSecondBudget}), ${hubspot.rateLimited} 429s`,
);

print('\n== caller context (Vapi assistant-requests, signed, through the whole relay; 1,000 callers, 5,000 stored calls; PGlite)');
const callerContext = await benchCallerContext({ callers: 1000, callsPerCaller: 5, perSecond: 200, seconds: quick ? 5 : 15, crmDelayMs: 500 });
{
  const r = callerContext;
  print(`closed loop (8 in flight): ${Math.round(r.closedLoop.perSecond)} lookups/s, p50 ${r.closedLoop.p50Ms.toFixed(1)} ms, p99 ${r.closedLoop.p99Ms.toFixed(1)} ms, ${r.closedLoop.cpuMsPerLookup} ms CPU per lookup (relay and load generator)`);
  print(`from the store at ${r.fromStore.requests / Math.round(r.fromStore.seconds)}/s: p50 ${r.fromStore.p50Ms.toFixed(1)} ms, p99 ${r.fromStore.p99Ms.toFixed(1)} ms (aim < 20), ${r.fromStore.errors} errors`);
  print(`with Salesforce ${r.slowCrm.crmDelayMs} ms slow: p50 ${r.slowCrm.p50Ms.toFixed(1)} ms, p99 ${r.slowCrm.p99Ms.toFixed(1)} ms, max ${r.slowCrm.maxMs.toFixed(1)} ms (aim: all within the ${r.budgetMs} ms budget); Salesforce ${JSON.stringify(r.slowCrm.salesforce)}`);
}

const results = { ranAt: new Date().toISOString(), quick, machine, intake, delivery, hubspot, callerContext };
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
print('\nwritten to relay/bench/results.json');
process.exit(0);
