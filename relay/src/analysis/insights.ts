// What analysis produces for one call. The same schema is the OpenAI structured-output format
// (every field present, nullable rather than optional, as strict mode requires) and the
// offline analyser's return type, so the rest of the relay never knows which one ran.
import { z } from 'zod';
import { Disposition, Intent, PipelineStage, Tag } from '../taxonomy.ts';

const confidence = z.number().min(0).max(1);

export const Summary = z.object({
  asked: z.string().describe('What the caller asked for, one sentence.'),
  said: z.string().describe('What the agent told them or did, one or two sentences.'),
  nextStep: z.string().describe('The agreed next step, or "None".'),
});
export type Summary = z.infer<typeof Summary>;

export const Insights = z.object({
  callerName: z.string().nullable(),
  callerNameConfidence: confidence,
  callerEmail: z.string().nullable(),
  intent: Intent,
  intentConfidence: confidence,
  disposition: Disposition,
  dispositionConfidence: confidence,
  summary: Summary,
  nextAction: z.string().nullable(),
  nextActionDue: z.string().nullable().describe('ISO 8601 date-time, or null.'),
  tags: z.array(Tag),
  pipelineStage: PipelineStage.nullable(),
  appointmentTime: z.string().nullable().describe('ISO 8601 date-time, or null.'),
  qualificationNotes: z.string().nullable(),
});
export type Insights = z.infer<typeof Insights>;

/** The fixed summary format every CRM receives. */
export function formatSummary(summary: Summary): string {
  return `Asked: ${summary.asked}\nSaid: ${summary.said}\nNext step: ${summary.nextStep}`;
}

export const AnalysisSource = z.enum(['llm', 'offline', 'vendor']);
export type AnalysisSource = z.infer<typeof AnalysisSource>;

export const PiiType = z.enum(['phone', 'email', 'card', 'ssn', 'address', 'name']);
export type PiiType = z.infer<typeof PiiType>;

export const RedactionReport = z.object({
  /** How many of each type were replaced. Never the values themselves. */
  counts: z.partialRecord(PiiType, z.number().int().nonnegative()),
  confidence: confidence,
});
export type RedactionReport = z.infer<typeof RedactionReport>;

export const Usage = z.object({
  model: z.string(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  attempts: z.number().int().positive(),
});
export type Usage = z.infer<typeof Usage>;
