// Analysis speed: redaction and offline analysis per 10 KB of transcript (they must be linear
// in the text), per labelled call, and how long /healthz takes to answer while the relay
// analyses a 1 MB transcript (the work runs in the analysis thread, so it should not wait).
import { offlineAnalysis } from '../src/analysis/offline-analyser.ts';
import { loadWordModels } from '../src/analysis/offline/classify.ts';
import type { Turn } from '../src/calls/model.ts';
import { loadCalls } from '../eval/evaluate.ts';
import { percentile } from './load.ts';
import { WEBHOOK_SECRET, relayEnv, startRelay, waitFor } from '../test/support/relay-harness.ts';
import { signGeneric } from '../src/ingest/generic.ts';

export type AnalysisBench = {
  /** Wall-clock and CPU milliseconds of redaction and analysis per 10 KB, for transcripts of each size. */
  perTenKilobytes: { kilobytes: number; wallMs: number; cpuMs: number }[];
  /** Per labelled call of relay/eval/calls.json. */
  perCallMs: { calls: number; p50: number; p95: number };
  /** /healthz answered every 20 ms while the relay analysed a transcript of this size. */
  health: { transcriptKilobytes: number; analysisMs: number; probes: number; worstMs: number; p99Ms: number };
};

/** A long call made of the labelled calls' turns, one after another, to about \`kilobytes\`. */
function longTranscript(kilobytes: number): Turn[] {
  const turns = loadCalls().flatMap((c) => c.turns.map((t) => ({ ...t, startMs: null })));
  const out: Turn[] = [];
  let size = 0;
  for (let i = 0; size < kilobytes * 1024; i++) {
    const turn = turns[i % turns.length]!;
    out.push(turn);
    size += turn.text.length;
  }
  return out;
}

function input(transcript: Turn[]) {
  return { callId: 'bench', agentId: null, direction: 'inbound' as const, from: null, to: null, startedAt: '2026-11-17T15:00:00.000Z', transcript, vendor: null };
}

function timed(run: () => void): { wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  run();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

export async function benchAnalysis(options: { quick: boolean }): Promise<AnalysisBench> {
  loadWordModels();
  offlineAnalysis(input(longTranscript(10)), true);
  const round = (n: number) => Math.round(n * 10) / 10;
  const perTenKilobytes = (options.quick ? [100, 1000] : [10, 100, 1000]).map((kilobytes) => {
    const transcript = longTranscript(kilobytes);
    const { wallMs, cpuMs } = timed(() => offlineAnalysis(input(transcript), true));
    return { kilobytes, wallMs: round(wallMs / (kilobytes / 10)), cpuMs: round(cpuMs / (kilobytes / 10)) };
  });
  const perCall = loadCalls()
    .map((c) => timed(() => offlineAnalysis(input(c.turns.map((t) => ({ ...t, startMs: null }))), true)).wallMs)
    .sort((a, b) => a - b);
  return { perTenKilobytes, perCallMs: { calls: perCall.length, p50: round(percentile(perCall, 50)), p95: round(percentile(perCall, 95)) }, health: await healthWhileAnalysing(1000) };
}

/** Sends one call with a transcript of \`kilobytes\` and probes /healthz until it is analysed. */
async function healthWhileAnalysing(kilobytes: number): Promise<AnalysisBench['health']> {
  // The body is over the default 1 MB limit on a webhook, so this relay takes larger ones.
  const setup = relayEnv({ finalisation: { graceSeconds: 0 } }, { MAX_BODY_BYTES: String(8 * kilobytes * 1024) });
  const { relay, url } = await startRelay(setup);
  try {
    const ended = Date.now() - 1000;
    const call = {
      callId: `bench-long-${ended}`,
      agentId: 'front-desk',
      from: '+15615551234',
      to: '+18005550199',
      startedAt: new Date(ended - 3_600_000).toISOString(),
      endedAt: new Date(ended).toISOString(),
      transcript: longTranscript(kilobytes).map(({ speaker, text }) => ({ speaker, text })),
    };
    const body = JSON.stringify(call);
    const answer = await fetch(`${url}/webhooks/calls`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': signGeneric(WEBHOOK_SECRET, body) }, body });
    if (answer.status !== 200) throw new Error(`the long call was answered ${answer.status}: ${await answer.text()}`);
    const started = performance.now();
    const latencies: number[] = [];
    let analysed = false;
    const stage = async () => (await relay.db.query<{ stage: string }>('select stage from calls where id = $1', [call.callId]))[0]?.stage;
    const probing = (async () => {
      while (!analysed) {
        const sent = performance.now();
        await (await fetch(`${url}/healthz`)).arrayBuffer();
        latencies.push(performance.now() - sent);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await waitFor('the long call analysed', async () => (analysed = (await stage()) === 'analysed'), 600_000);
    const analysisMs = performance.now() - started;
    await probing;
    latencies.sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    return { transcriptKilobytes: Math.round(body.length / 1024), analysisMs: Math.round(analysisMs), probes: latencies.length, worstMs: round(latencies.at(-1) ?? 0), p99Ms: round(percentile(latencies, 99)) };
  } finally {
    await relay.stop();
    await setup.cleanup();
  }
}
