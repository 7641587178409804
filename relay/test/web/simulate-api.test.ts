// The quickstart path: a relay on its embedded defaults, `simulate` against it, analysed calls
// and what each CRM would have received readable through the API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simulate } from '../../src/simulate/simulate.ts';
import { scenarios } from '../../src/simulate/scenarios.ts';
import { Disposition, Intent } from '../../src/taxonomy.ts';
import { relayEnv, startRelay, waitFor, type RelayEnv } from '../support/relay-harness.ts';
import type { Relay } from '../../src/pipeline.ts';

type Detail = {
  stage: string;
  analysisSource: string;
  insights: { intent: string; disposition: string; summary: { asked: string }; callerName: string | null };
  redaction: { counts: Record<string, number>; confidence: number };
  transcript: { speaker: string; text: string; startMs: number | null }[];
  history: { detail: string }[];
  deliveries: { sink: string; status: string }[];
};

describe('simulate against a relay on embedded defaults', () => {
  let setup: RelayEnv;
  let relay: Relay;
  let url: string;
  before(async () => {
    // Grace window short so the test does not wait; everything else is the embedded default.
    setup = relayEnv({ finalisation: { graceSeconds: 1 } }, { API_TOKEN: 'api-token-for-tests-0123456789' });
    ({ relay, url } = await startRelay(setup));
  });
  after(async () => {
    await relay.stop();
    await setup.cleanup();
  });
  const api = (path: string, token = 'api-token-for-tests-0123456789') => fetch(url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('produces analysed calls, each with insights, a redaction report, history and a dry-run delivery', async () => {
    const result = await simulate({ url, authToken: setup.env.TWILIO_AUTH_TOKEN!, calls: scenarios.length });
    assert.equal(result.failures, 0, 'every signed webhook accepted');
    const details: Detail[] = [];
    await waitFor(
      'every simulated call delivered',
      async () => {
        details.length = 0;
        for (const sid of result.callSids) details.push((await (await api(`/api/calls/${sid}`)).json()) as Detail);
        return details.every((d) => d.deliveries?.[0]?.status === 'delivered');
      },
      60_000,
    );
    for (const d of details) {
      assert.equal(d.stage, 'analysed');
      assert.equal(d.analysisSource, 'offline', 'no key: the offline analyser, labelled as such');
      assert.ok(Intent.safeParse(d.insights.intent).success && Disposition.safeParse(d.insights.disposition).success, 'taxonomy values only');
      assert.ok(d.insights.summary.asked.length > 0);
      assert.ok(d.history.some((h) => /completed/.test(h.detail)), 'state history kept');
      assert.equal(d.deliveries[0]!.sink, 'dry-run');
    }
    const booking = details.find((d) => d.transcript.some((t) => /book a cleaning/.test(t.text)))!;
    assert.equal(booking.insights.intent, 'book_appointment');
    assert.equal(booking.insights.callerName, 'Maria Gonzalez', 'the name is restored locally from the redacted text');
    assert.ok((booking.redaction.counts.phone ?? 0) >= 1, 'the number read out digit by digit was redacted');
    assert.ok(!booking.transcript.some((t) => /Gonzalez|five five five/i.test(t.text)), 'the stored transcript is the redacted one');
    assert.ok(booking.transcript.length === scenarios[0]!.lines.length, 'late utterances made it into the transcript');
    const offsets = booking.transcript.map((t) => t.startMs);
    assert.ok(offsets.every((ms) => typeof ms === 'number' && ms >= 0), 'each utterance has its offset from the call start');
    assert.deepEqual([...offsets].sort((a, b) => a! - b!), offsets, 'in order');

    const dry = (await (await api(`/api/dry-run?callId=${result.callSids[0]}`)).json()) as { requests: { sink: string; request: { body?: { records?: unknown[] } } }[] };
    assert.deepEqual(dry.requests.map((r) => r.sink).sort(), ['hubspot', 'salesforce'], 'what each CRM would have received');
  });

  it('serves health, readiness and Prometheus metrics, and guards the API with its token', async () => {
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /relay_webhooks_total\{source="twilio",result="accepted"\} \d+/);
    assert.match(metrics, /relay_deliveries_total\{sink="dry-run",outcome="delivered"\} \d+/);
    assert.equal((await api('/api/calls', '')).status, 401, 'no token, no data');
    assert.equal((await api('/api/calls', 'wrong-token-0123456789012345678')).status, 401);
    assert.equal((await api('/api/calls')).status, 200);
  });
});
