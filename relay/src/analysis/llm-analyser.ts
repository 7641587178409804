// Insights from a language model through the openai SDK, with structured output from the zod
// Insights schema. Personal data is replaced by placeholders before the text leaves (when
// configured), and the caller's name and email are put back here, locally. The answer is
// validated again with zod; refusals, invalid JSON and schema violations are errors with a
// reason, retried a bounded number of times with backoff, and every attempt's tokens count.
import { APIError, type OpenAI } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { Config } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import type { AnalysisInput, AnalysisResult, Analyser } from './analyser.ts';
import { Insights, type Usage } from './insights.ts';
import { costUsd } from './llm/pricing.ts';
import { OfflineAnalyser } from './offline-analyser.ts';
import { buildMessages } from './llm/prompt.ts';
import { redactText, redactTranscript, withLookups, type RedactedTranscript } from './redact.ts';
import type { AnalysisThread } from './analysis-thread.ts';

export class AnalysisError extends Error {}

export type LlmAnalyserDeps = {
  client: OpenAI;
  /** The model, or the Azure deployment name. */
  model: string;
  config: Config;
  metrics?: Metrics;
  /** First retry delay; doubles per attempt. */
  backoffMs?: number;
  /** Where redaction runs: a worker thread in the relay, the caller's thread when absent. */
  thread?: AnalysisThread;
};

const RESPONSE_FORMAT = zodResponseFormat(Insights, 'call_insights');
const VENDOR_DATA_LIMIT = 2_000;
const PLACEHOLDER = /\[(?:NAME|PHONE|EMAIL|CARD|SSN|ADDRESS)_\d+\]/;

type Attempt = { insights: Insights } | { error: string; retryAfterMs: number | null };

export class LlmAnalyser implements Analyser {
  private readonly deps: LlmAnalyserDeps;

  constructor(deps: LlmAnalyserDeps) {
    this.deps = deps;
  }

  async analyse(input: AnalysisInput): Promise<AnalysisResult> {
    const { config, metrics, model } = this.deps;
    const vendorSummary = input.vendor?.summary ?? null;
    // Nothing was said and the platform summarised nothing: there is nothing to pay a model to read.
    if (!input.transcript.some((t) => t.text.trim()) && !vendorSummary) {
      return new OfflineAnalyser({ redactTranscript: config.file.redaction.inTranscript, metrics, thread: this.deps.thread }).analyse(input);
    }
    const vendorData = input.vendor && Object.keys(input.vendor.data).length ? JSON.stringify(input.vendor.data).slice(0, VENDOR_DATA_LIMIT) : null;
    // The vendor's texts are redacted in the same pass as the transcript so one person keeps one placeholder.
    const extra = [vendorSummary, vendorData].map((text) => ({ speaker: 'agent' as const, text: text ?? '', startMs: null }));
    const all = [...input.transcript, ...extra];
    const redacted = this.deps.thread ? withLookups(await this.deps.thread.redact(all)) : redactTranscript(all);
    const redactedTurns = redacted.turns.slice(0, input.transcript.length);
    const pseudonymise = config.file.redaction.beforeInference;
    const messages = buildMessages({
      direction: input.direction,
      startedAt: input.startedAt,
      turns: pseudonymise ? redactedTurns : input.transcript,
      vendorSummary: vendorSummary && (pseudonymise ? redacted.turns.at(-2)!.text : vendorSummary),
      vendorData: vendorData && (pseudonymise ? redacted.turns.at(-1)!.text : vendorData),
    });

    const usage: Usage = { model, promptTokens: 0, completionTokens: 0, costUsd: 0, attempts: 0 };
    const agent = input.agentId ?? 'none';
    let lastError = 'no attempt made';
    for (let attempt = 1; attempt <= config.file.analysis.maxAttempts; attempt++) {
      usage.attempts = attempt;
      const result = await this.attempt(messages, usage);
      if ('insights' in result) {
        usage.costUsd = costUsd(model, usage.promptTokens, usage.completionTokens);
        metrics?.analysisTokens.inc({ agent, kind: 'prompt' }, usage.promptTokens);
        metrics?.analysisTokens.inc({ agent, kind: 'completion' }, usage.completionTokens);
        metrics?.analysisCost.inc({ agent }, usage.costUsd);
        metrics?.analyses.inc({ source: 'llm', outcome: 'ok' });
        return {
          insights: restore(result.insights, redacted),
          source: 'llm',
          redaction: redacted.report,
          redactedTranscript: config.file.redaction.inTranscript ? redactedTurns : input.transcript,
          usage,
        };
      }
      lastError = result.error;
      if (attempt < config.file.analysis.maxAttempts) await sleep(result.retryAfterMs ?? (this.deps.backoffMs ?? 500) * 2 ** (attempt - 1));
    }
    // Tokens spent on failed attempts are real spending, so they are counted too.
    const spent = costUsd(model, usage.promptTokens, usage.completionTokens);
    metrics?.analysisTokens.inc({ agent, kind: 'prompt' }, usage.promptTokens);
    metrics?.analysisTokens.inc({ agent, kind: 'completion' }, usage.completionTokens);
    metrics?.analysisCost.inc({ agent }, spent);
    metrics?.analyses.inc({ source: 'llm', outcome: 'error' });
    throw new AnalysisError(`model analysis failed after ${usage.attempts} attempt(s): ${lastError}`);
  }

  private async attempt(messages: ReturnType<typeof buildMessages>, usage: Usage): Promise<Attempt> {
    let completion;
    try {
      // No temperature: reasoning models accept only their default, and the schema constrains the answer.
      completion = await this.deps.client.chat.completions.create({ model: this.deps.model, messages, response_format: RESPONSE_FORMAT });
    } catch (error) {
      if (error instanceof APIError) {
        return { error: `HTTP ${error.status ?? 'error'}: ${error.message}`, retryAfterMs: retryAfterMs(error.headers) };
      }
      return { error: (error as Error).message, retryAfterMs: null };
    }
    usage.promptTokens += completion.usage?.prompt_tokens ?? 0;
    usage.completionTokens += completion.usage?.completion_tokens ?? 0;
    const choice = completion.choices[0];
    if (!choice) return { error: 'the response had no choices', retryAfterMs: null };
    // The refusal is the model's own words and may quote the call: it is redacted and shortened,
    // because this reason ends up in logs and on the call's record.
    if (choice.message.refusal) {
      const refusal = this.deps.thread ? await this.deps.thread.redactText(choice.message.refusal) : redactText(choice.message.refusal).text;
      return { error: `the model refused: ${refusal.slice(0, 120)}`, retryAfterMs: null };
    }
    if (choice.finish_reason === 'length') return { error: 'the answer was cut off at the token limit', retryAfterMs: null };
    if (choice.finish_reason === 'content_filter') return { error: 'the answer was withheld by the content filter', retryAfterMs: null };
    let json: unknown;
    try {
      json = JSON.parse(choice.message.content ?? '');
    } catch {
      return { error: 'the answer was not valid JSON', retryAfterMs: null };
    }
    const parsed = Insights.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      return { error: `the answer did not match the insights schema (${where})`, retryAfterMs: null };
    }
    return { insights: parsed.data };
  }
}

/** Puts names and emails back; a placeholder the relay does not know becomes null, never a guess. */
function restore(insights: Insights, redacted: RedactedTranscript): Insights {
  const contact = (text: string) => text.replace(/\[(?:NAME|EMAIL)_\d+\]/g, (p) => redacted.valueOf(p) ?? p);
  const field = (value: string | null) => {
    if (value === null) return null;
    const restored = redacted.restore(value);
    return PLACEHOLDER.test(restored) ? null : restored;
  };
  const callerName = field(insights.callerName);
  return Insights.parse({
    ...insights,
    callerName,
    callerNameConfidence: callerName === null ? 0 : insights.callerNameConfidence,
    callerEmail: field(insights.callerEmail),
    summary: { asked: contact(insights.summary.asked), said: contact(insights.summary.said), nextStep: contact(insights.summary.nextStep) },
    nextAction: insights.nextAction && contact(insights.nextAction),
    qualificationNotes: insights.qualificationNotes && contact(insights.qualificationNotes),
  });
}

/** The server's requested wait (retry-after-ms, else retry-after in seconds), capped at 30 s. */
function retryAfterMs(headers: Headers | undefined): number | null {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return Math.min(ms, 30_000);
  const seconds = Number(headers?.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 30_000) : null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
