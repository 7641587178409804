// Caller context under load: Vapi assistant-requests (signed, through the whole relay) at a fixed
// rate, answered from the relay's own store, and again with Salesforce as a source whose answers
// take 500 ms (the local org, test/support/salesforce-server.ts), cache off so every lookup waits
// on it. Past calls are written straight into the store as analysed calls, sealed and keyed as
// the finaliser writes them, so the store holds thousands of calls without analysing each.
import { writeFileSync } from 'node:fs';
import { hmacSha256 } from '../src/ingest/hmac.ts';
import { atRest } from '../src/privacy/at-rest.ts';
import { CallerKeys } from '../src/context/caller-key.ts';
import type { Relay } from '../src/pipeline.ts';
import { runLoad, runPaced, type LoadResult, type PreparedRequest } from './load.ts';
import { startSalesforceServer } from '../test/support/salesforce-server.ts';
import { relayEnv, startRelay } from '../test/support/relay-harness.ts';

const SECRET = 'bench-vapi-secret-0123456789';
const number = (i: number) => `+1415${String(2_000_000 + i).padStart(7, '0')}`;

export type CallerContextBench = {
  storedCalls: number;
  callers: number;
  budgetMs: number;
  /** As fast as 8 requests in flight allow; `cpuMsPerLookup` is this process's CPU (relay and load generator) per lookup. */
  closedLoop: LoadResult & { cpuMsPerLookup: number };
  fromStore: LoadResult;
  /** `salesforce`: how many answers had the org's part (it answered within the budget), and how many went without. */
  slowCrm: LoadResult & { crmDelayMs: number; crmRequests: number; salesforce: Record<string, number> };
};

async function seed(relay: Relay, callers: number, callsPerCaller: number): Promise<void> {
  const keys = new CallerKeys(relay.protection.lookupKey);
  const fields = atRest(relay.db);
  const now = Date.now();
  for (let start = 0; start < callers; start += 200) {
    const rows: unknown[][] = [[], [], [], [], []];
    for (let c = start; c < Math.min(callers, start + 200); c++) {
      for (let k = 0; k < callsPerCaller; k++) {
        const analysis = {
          insights: {
            callerName: `Caller ${c}`,
            callerNameConfidence: 0.9,
            callerEmail: null,
            intent: 'book_appointment',
            intentConfidence: 0.9,
            disposition: 'appointment_booked',
            dispositionConfidence: 0.9,
            summary: { asked: 'Asked to book a cleaning.', said: 'Booked for Thursday at 3 pm.', nextStep: 'Cleaning Thursday.' },
            nextAction: 'Send the new-patient form',
            nextActionDue: null,
            tags: [],
            pipelineStage: null,
            appointmentTime: null,
            qualificationNotes: null,
          },
          source: 'llm',
          redaction: { counts: {}, confidence: 1 },
          redactedTranscript: [],
          usage: null,
        };
        rows[0]!.push(`bench-${c}-${k}`);
        rows[1]!.push(fields.text(number(c)));
        rows[2]!.push(new Date(now - (k + 1) * 86_400_000));
        rows[3]!.push(JSON.stringify(fields.analysis(analysis)));
        rows[4]!.push(keys.of(number(c)));
      }
    }
    await relay.db.query(
      `insert into calls (id, provider, agent_id, direction, from_number, to_number, status, status_rank, stage, started_at, ended_at, analysis, caller_key)
       select id, 'vapi', 'asst-bench', 'inbound', f, '+18005550199', 'completed', 4, 'analysed', s, s + interval '2 minutes', a::jsonb, k
       from unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[]) as t(id, f, s, a, k)`,
      rows,
    );
  }
}

function assistantRequests(count: number, callers: number): PreparedRequest[] {
  return Array.from({ length: count }, (_, i) => {
    // Nine in ten are known callers, one in ten a number nobody knows.
    const customer = i % 10 === 9 ? number(callers + i) : number((i * 7919) % callers);
    const body = JSON.stringify({ message: { type: 'assistant-request', call: { id: `bench-call-${i}` }, phoneNumber: { number: '+18005550199' }, customer: { number: customer } } });
    return { path: '/webhooks/vapi', headers: { 'content-type': 'application/json', 'x-vapi-signature': hmacSha256(SECRET, body) }, body };
  });
}

export async function benchCallerContext(options: { callers: number; callsPerCaller: number; perSecond: number; seconds: number; crmDelayMs: number }): Promise<CallerContextBench> {
  const budgetMs = 1000;
  const callerContext = { budgetMs, vapi: { assistantId: 'asst-bench' } };

  const plain = relayEnv({ callerContext }, { VAPI_WEBHOOK_SECRET: SECRET });
  const { relay, url } = await startRelay(plain);
  let closedLoop: CallerContextBench['closedLoop'];
  let fromStore: LoadResult;
  try {
    await seed(relay, options.callers, options.callsPerCaller);
    await relay.db.query('analyze calls');
    await runLoad(url, assistantRequests(200, options.callers), 4); // warm-up
    const cpu = process.cpuUsage();
    const loop = await runLoad(url, assistantRequests(options.perSecond * options.seconds, options.callers), 8);
    const used = process.cpuUsage(cpu);
    closedLoop = { ...loop, cpuMsPerLookup: Math.round(((used.user + used.system) / 1000 / loop.requests) * 100) / 100 };
    fromStore = await runPaced(url, assistantRequests(options.perSecond * options.seconds, options.callers), options.perSecond);
  } finally {
    await relay.stop();
    await plain.cleanup();
  }

  const org = await startSalesforceServer({ clientId: 'bench', clientSecret: 'bench-secret' });
  const slowSetup = relayEnv(
    { callerContext: { ...callerContext, cacheSeconds: 0 } },
    { VAPI_WEBHOOK_SECRET: SECRET, SF_LOGIN_URL: org.url, SF_CLIENT_ID: 'bench', SF_CLIENT_SECRET: 'bench-secret' },
  );
  const slow = await startRelay(slowSetup);
  try {
    await seed(slow.relay, options.callers, options.callsPerCaller);
    await slow.relay.db.query('analyze calls');
    await runLoad(slow.url, assistantRequests(50, options.callers), 4); // warm-up, and the org's token
    org.callerContextFault = { delayMs: options.crmDelayMs };
    const requests = assistantRequests(options.perSecond * options.seconds, options.callers);
    const before = org.requests.callerContext;
    const result = await runPaced(slow.url, requests, options.perSecond);
    const crmRequests = org.requests.callerContext - before;
    // What each answer said about the org: recorded with every answer (caller_context_given).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const outcomes = await slow.relay.db.query<{ outcome: string; n: number }>(
      `select sources->>'salesforce' as outcome, count(*)::int as n from (select sources from caller_context_given order by id desc limit $1) g group by 1`,
      [requests.length],
    );
    return {
      storedCalls: options.callers * options.callsPerCaller,
      callers: options.callers,
      budgetMs,
      closedLoop,
      fromStore,
      slowCrm: { ...result, crmDelayMs: options.crmDelayMs, crmRequests, salesforce: Object.fromEntries(outcomes.map((o) => [o.outcome ?? 'none', o.n])) },
    };
  } finally {
    await slow.relay.stop();
    await org.close();
    await slowSetup.cleanup();
  }
}

// Run on its own: `node relay/bench/caller-context.ts`, results in caller-context-results.json
// (npm run bench runs it as one of its sections).
if (import.meta.main) {
  const r = await benchCallerContext({ callers: 1000, callsPerCaller: 5, perSecond: 200, seconds: process.env.BENCH_QUICK === '1' ? 5 : 15, crmDelayMs: 500 });
  const os = await import('node:os');
  const run = { ranAt: new Date().toISOString(), cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadAverageAtStart: os.loadavg(), ...r };
  writeFileSync(new URL('./caller-context-results.json', import.meta.url), `${JSON.stringify(run, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  process.exit(0);
}
