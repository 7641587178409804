// The model analyser through the real openai SDK against a local chat completions server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OpenAI } from 'openai';
import { createAnalyser, type AnalysisInput } from '../../src/analysis/analyser.ts';
import { LlmAnalyser } from '../../src/analysis/llm-analyser.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createMetrics } from '../../src/metrics.ts';
import { startOpenAiServer, type ChatRequest, type OpenAiServer, type Reply, type Responder } from '../support/openai-server.ts';

const call: AnalysisInput = {
  callId: 'CA100',
  agentId: 'front-desk',
  direction: 'inbound',
  from: '+14155550134',
  to: '+14155550100',
  startedAt: '2026-11-17T15:00:00.000Z',
  transcript: [
    { speaker: 'agent', text: 'Thanks for calling Bright Smile Dental, how can I help?', startMs: 0 },
    { speaker: 'caller', text: "Hi, it's Maria Gonzalez. I'd like to book a cleaning for tomorrow at 3.", startMs: 2000 },
    { speaker: 'agent', text: 'Sure. What email should the confirmation go to?', startMs: 6000 },
    { speaker: 'caller', text: 'maria dot g at gmail dot com, and my cell is 415 555 0134.', startMs: 9000 },
    { speaker: 'agent', text: "You're all set for tomorrow at 3 pm, Maria.", startMs: 14000 },
  ],
  vendor: { summary: 'Maria Gonzalez booked a cleaning.', data: { sentiment: 'positive' } },
};

/** A small stand-in "model": reads the transcript it was sent and answers from it. */
function transcriptOf(request: ChatRequest): string {
  return request.messages.find((m) => m.role === 'user')!.content;
}

function insightsFrom(request: ChatRequest): Record<string, unknown> {
  const text = transcriptOf(request);
  const callerLines = text.split('\n').filter((l) => l.startsWith('Caller:')).join('\n');
  const name = callerLines.match(/it's ((?:\[NAME_\d+\])|(?:[A-Z][a-z]+ [A-Z][a-z]+))/)?.[1] ?? null;
  const email = callerLines.match(/\[EMAIL_\d+\]|\S+@\S+/)?.[0] ?? null;
  const booked = /all set/.test(text);
  return {
    callerName: name,
    callerNameConfidence: name ? 0.95 : 0,
    callerEmail: email,
    intent: /book/.test(callerLines) ? 'book_appointment' : 'general_question',
    intentConfidence: 0.9,
    disposition: booked ? 'appointment_booked' : 'resolved',
    dispositionConfidence: 0.9,
    summary: { asked: `${name ?? 'The caller'} asked to book a cleaning.`, said: 'The agent booked it.', nextStep: 'Cleaning tomorrow at 3 pm.' },
    nextAction: name ? `Send ${name} the new-patient form` : null,
    nextActionDue: '2026-11-18T09:00:00.000Z',
    tags: ['new_caller'],
    pipelineStage: 'appointment_set',
    appointmentTime: '2026-11-18T15:00:00.000Z',
    qualificationNotes: null,
  };
}

const ok = (request: ChatRequest): Reply => ({ content: JSON.stringify(insightsFrom(request)) });

function configWith(env: Record<string, string>, change: (file: Config['file']) => void = () => {}): Config {
  const config = loadConfig({ DATA_DIR: '/tmp/unused', ...env });
  change(config.file);
  return config;
}

describe('model analyser', () => {
  let server: OpenAiServer;
  let responder: Responder = ok;
  before(async () => {
    server = await startOpenAiServer((request, index) => responder(request, index));
  });
  after(() => server.close());

  function analyser(options: { maxAttempts?: number; beforeInference?: boolean; timeoutMs?: number } = {}) {
    const config = configWith({ OPENAI_API_KEY: 'sk-test' }, (file) => {
      file.analysis.maxAttempts = options.maxAttempts ?? 3;
      file.redaction.beforeInference = options.beforeInference ?? true;
    });
    const metrics = createMetrics();
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0, timeout: options.timeoutMs ?? 5_000 });
    return { analyser: new LlmAnalyser({ client, model: 'gpt-4o-mini', config, metrics, backoffMs: 5 }), metrics };
  }

  it('sends pseudonymised text with a strict schema and restores the name and email locally', async () => {
    responder = ok;
    const before = server.requests.length;
    const { analyser: llm, metrics } = analyser();
    const result = await llm.analyse(call);
    const request = server.requests[before]!;
    const sent = request.messages.map((m) => m.content).join('\n');
    assert.equal(request.response_format?.type, 'json_schema');
    assert.equal(request.response_format?.json_schema?.name, 'call_insights');
    assert.equal(request.response_format?.json_schema?.strict, true);
    for (const secret of ['Maria', 'Gonzalez', 'gmail', '415 555 0134']) assert.ok(!sent.includes(secret), `"${secret}" must not leave the relay`);
    assert.match(sent, /\[NAME_1\]/);
    assert.match(sent, /Call started: 2026-11-17T15:00:00.000Z/);
    assert.match(sent, /Reschedule or cancel/, 'the taxonomy labels are in the prompt');
    assert.match(sent, /sentiment/, 'vendor analysis is passed as context');

    assert.equal(result.source, 'llm');
    assert.equal(result.insights.callerName, 'Maria Gonzalez');
    assert.equal(result.insights.callerEmail, 'maria.g@gmail.com');
    assert.equal(result.insights.nextAction, 'Send Maria Gonzalez the new-patient form');
    assert.equal(result.insights.intent, 'book_appointment');
    assert.equal(result.redactedTranscript[1]!.text.includes('Maria'), false);
    // Two mentions in the transcript and one in the vendor's summary, which was sent too.
    assert.deepEqual(result.redaction.counts, { name: 3, email: 1, phone: 1 });

    const usage = result.usage!;
    assert.equal(usage.attempts, 1);
    assert.ok(usage.promptTokens > 500, `the prompt carries the taxonomy and transcript (${usage.promptTokens})`);
    assert.ok(usage.completionTokens > 50);
    const expected = (usage.promptTokens * 0.15 + usage.completionTokens * 0.6) / 1_000_000;
    assert.ok(Math.abs(usage.costUsd - expected) < 1e-12);
    const tokenMetric = await metrics.analysisTokens.get();
    const prompt = tokenMetric.values.find((v) => v.labels.agent === 'front-desk' && v.labels.kind === 'prompt');
    assert.equal(prompt?.value, usage.promptTokens);
    const cost = await metrics.analysisCost.get();
    assert.ok(Math.abs(cost.values[0]!.value - usage.costUsd) < 1e-12);
  });

  it('sends the text as is when redaction before inference is off', async () => {
    responder = ok;
    const before = server.requests.length;
    const result = await analyser({ beforeInference: false }).analyser.analyse(call);
    assert.match(transcriptOf(server.requests[before]!), /Maria Gonzalez/);
    assert.equal(result.insights.callerName, 'Maria Gonzalez');
  });

  it('turns a refusal into a clear error after a bounded number of attempts', async () => {
    responder = () => ({ refusal: "I'm sorry, I can't help with that or repeat 415 555 0134." });
    const before = server.requests.length;
    const { analyser: llm, metrics } = analyser({ maxAttempts: 3 });
    await assert.rejects(llm.analyse(call), /failed after 3 attempt\(s\): the model refused: I'm sorry, I can't help with that or repeat \[PHONE_1\]\./);
    assert.equal(server.requests.length - before, 3);
    const outcomes = await metrics.analyses.get();
    assert.equal(outcomes.values.find((v) => v.labels.outcome === 'error')?.value, 1);
    const tokenMetric = await metrics.analysisTokens.get();
    assert.ok(tokenMetric.values.find((v) => v.labels.kind === 'prompt')!.value > 0, 'refused attempts still cost tokens');
  });

  it('retries invalid JSON and then succeeds', async () => {
    let sent = 0;
    responder = (request) => (sent++ === 0 ? { content: '{"callerName": "[NAME_1]", "intent": ' } : ok(request));
    const result = await analyser().analyser.analyse(call);
    assert.equal(result.usage?.attempts, 2);
    assert.equal(result.insights.callerName, 'Maria Gonzalez');
  });

  it('rejects output that violates the schema, naming the field', async () => {
    responder = (request) => ({ content: JSON.stringify({ ...insightsFrom(request), intent: 'buy_a_boat' }) });
    await assert.rejects(analyser({ maxAttempts: 2 }).analyser.analyse(call), /failed after 2 attempt\(s\): the answer did not match the insights schema \(intent:/);
  });

  it('turns an unknown placeholder into null instead of a guess', async () => {
    responder = (request) => ({ content: JSON.stringify({ ...insightsFrom(request), callerName: '[NAME_9]', callerEmail: '[EMAIL_4]' }) });
    const result = await analyser().analyser.analyse(call);
    assert.equal(result.insights.callerName, null);
    assert.equal(result.insights.callerNameConfidence, 0);
    assert.equal(result.insights.callerEmail, null);
  });

  it('retries a rate limit and a server error, honouring retry-after-ms', async () => {
    const start = server.requests.length;
    responder = (request, index) => {
      const n = index - start;
      if (n === 0) return { status: 429, message: 'Rate limit reached', headers: { 'retry-after-ms': '20' } };
      if (n === 1) return { status: 500, message: 'The server had an error' };
      return ok(request);
    };
    const began = Date.now();
    const result = await analyser().analyser.analyse(call);
    assert.equal(result.usage?.attempts, 3);
    assert.ok(Date.now() - began >= 20, 'waited as the server asked');
  });

  it('times out a slow answer and retries', async () => {
    const start = server.requests.length;
    responder = (request, index) => (index === start ? { delayMs: 1_000, then: ok(request) } : ok(request));
    const result = await analyser({ timeoutMs: 200 }).analyser.analyse(call);
    assert.equal(result.usage?.attempts, 2);
  });

  it('does not pay a model to read a call with no speech', async () => {
    const before = server.requests.length;
    const result = await analyser().analyser.analyse({ ...call, transcript: [], vendor: null });
    assert.equal(server.requests.length, before);
    assert.equal(result.source, 'offline');
    assert.equal(result.insights.disposition, 'abandoned');
  });

  it('reaches Azure OpenAI through its deployment path when Azure settings are configured', async () => {
    responder = ok;
    const before = server.requests.length;
    const config = configWith({ AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_API_KEY: 'azure-key', AZURE_OPENAI_DEPLOYMENT: 'insights-prod' });
    const result = await createAnalyser(config).analyse(call);
    assert.equal(server.requests[before]!.path, '/openai/deployments/insights-prod/chat/completions');
    assert.equal(result.usage?.model, 'insights-prod');
    assert.equal(result.usage?.costUsd, 0, 'an unpriced deployment is costed at 0');
  });

  it('uses any OpenAI-compatible server through OPENAI_BASE_URL, and the offline analyser without a key', async () => {
    responder = ok;
    const viaBaseUrl = await createAnalyser(configWith({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_MODEL: 'gpt-4.1-mini' })).analyse(call);
    assert.equal(viaBaseUrl.source, 'llm');
    assert.equal(viaBaseUrl.usage?.model, 'gpt-4.1-mini');
    const offline = await createAnalyser(configWith({})).analyse(call);
    assert.equal(offline.source, 'offline');
    assert.equal(offline.usage, null);
  });
});
