// The one entry point the pipeline calls to analyse a finalised call. It picks the model
// analyser when a key (or Azure settings) is configured and the offline analyser otherwise;
// both return the same AnalysisResult, always with a redacted transcript and a report.
import { AzureOpenAI, OpenAI } from 'openai';
import type { Direction, Turn } from '../calls/model.ts';
import type { Config } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import type { AnalysisSource, Insights, RedactionReport, Usage } from './insights.ts';
import { analysisThread } from './analysis-thread.ts';
import { LlmAnalyser } from './llm-analyser.ts';
import { OfflineAnalyser } from './offline-analyser.ts';

export type AnalysisInput = {
  callId: string;
  agentId: string | null;
  direction: Direction;
  from: string | null;
  to: string | null;
  startedAt: string | null;
  transcript: Turn[];
  /** What the voice platform (Vapi, Retell) already analysed: extra context, not the answer. */
  vendor: { summary: string | null; data: Record<string, unknown> } | null;
};

export type AnalysisResult = {
  insights: Insights;
  source: AnalysisSource;
  redaction: RedactionReport;
  redactedTranscript: Turn[];
  usage: Usage | null;
};

export interface Analyser {
  analyse(input: AnalysisInput): Promise<AnalysisResult>;
}

/** Azure's API version when OPENAI_API_VERSION is not set: the current GA version with structured outputs. */
const AZURE_API_VERSION = '2024-10-21';

export function createAnalyser(config: Config, metrics?: Metrics): Analyser {
  const { env } = config;
  // The SDK's own retries are off: the analyser retries whole attempts and counts them.
  const common = { timeout: env.OPENAI_TIMEOUT_MS, maxRetries: 0 };
  if (env.AZURE_OPENAI_ENDPOINT && env.AZURE_OPENAI_API_KEY) {
    const deployment = env.AZURE_OPENAI_DEPLOYMENT ?? env.OPENAI_MODEL;
    const client = new AzureOpenAI({
      ...common,
      endpoint: env.AZURE_OPENAI_ENDPOINT,
      apiKey: env.AZURE_OPENAI_API_KEY,
      apiVersion: env.OPENAI_API_VERSION ?? AZURE_API_VERSION,
      deployment,
    });
    return new LlmAnalyser({ client, model: deployment, config, metrics, thread: analysisThread() });
  }
  if (env.OPENAI_API_KEY) {
    const client = new OpenAI({ ...common, apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1' });
    return new LlmAnalyser({ client, model: env.OPENAI_MODEL, config, metrics, thread: analysisThread() });
  }
  return createOfflineAnalyser(config, metrics);
}

/** The analyser with no key and no network. Without a config it redacts the transcript it hands on. */
export function createOfflineAnalyser(config?: Config, metrics?: Metrics): Analyser {
  return new OfflineAnalyser({ redactTranscript: config?.file.redaction.inTranscript ?? true, metrics, thread: analysisThread() });
}
