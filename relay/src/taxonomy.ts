// The locked vocabulary from config/taxonomy.json, as zod enums. Everything that names an
// intent, disposition, tag or pipeline stage imports it from here so nothing can drift.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const nullableText = z.string().min(1).nullable();

const TaxonomyFile = z.object({
  version: z.number().int(),
  intents: z.array(z.object({ value: z.string(), label: z.string(), description: z.string() })).min(1),
  dispositions: z
    .array(
      z.object({
        value: z.string(),
        label: z.string(),
        salesforce: z.object({ leadStatus: nullableText, callDisposition: z.string() }),
        hubspot: z.object({ callOutcome: z.string(), leadStatus: nullableText }),
      }),
    )
    .min(1),
  pipelineStages: z
    .array(
      z.object({
        value: z.string(),
        label: z.string(),
        salesforce: z.object({ leadStatus: nullableText }),
        hubspot: z.object({ leadStatus: nullableText, lifecycleStage: nullableText }),
      }),
    )
    .min(1),
  tags: z.array(z.object({ value: z.string(), label: z.string() })).min(1),
});
export type TaxonomyFile = z.infer<typeof TaxonomyFile>;

export const taxonomyPath = new URL('../../config/taxonomy.json', import.meta.url);
export const taxonomy: TaxonomyFile = TaxonomyFile.parse(JSON.parse(readFileSync(taxonomyPath, 'utf8')));

const values = (list: { value: string }[]) => list.map((entry) => entry.value) as [string, ...string[]];

export const Intent = z.enum(values(taxonomy.intents));
export const Disposition = z.enum(values(taxonomy.dispositions));
export const PipelineStage = z.enum(values(taxonomy.pipelineStages));
export const Tag = z.enum(values(taxonomy.tags));
export type Intent = z.infer<typeof Intent>;
export type Disposition = z.infer<typeof Disposition>;
export type PipelineStage = z.infer<typeof PipelineStage>;
export type Tag = z.infer<typeof Tag>;

export function dispositionEntry(value: Disposition) {
  const entry = taxonomy.dispositions.find((d) => d.value === value);
  if (!entry) throw new Error(`unknown disposition ${value}`);
  return entry;
}

export function pipelineStageEntry(value: PipelineStage) {
  const entry = taxonomy.pipelineStages.find((s) => s.value === value);
  if (!entry) throw new Error(`unknown pipeline stage ${value}`);
  return entry;
}

export function labelOf(list: { value: string; label: string }[], value: string): string {
  return list.find((entry) => entry.value === value)?.label ?? value;
}
