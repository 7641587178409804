// Human labels for taxonomy values, from the locked taxonomy; an unknown value shows as itself.
import { taxonomy } from '../../taxonomy.ts';

const lookup = (list: { value: string; label: string }[]) => new Map(list.map((e) => [e.value, e.label]));
const intents = lookup(taxonomy.intents);
const dispositions = lookup(taxonomy.dispositions);
const tags = lookup(taxonomy.tags);
const stages = lookup(taxonomy.pipelineStages);

export const intentLabel = (value: string | null | undefined) => (value ? (intents.get(value) ?? value) : '—');
export const dispositionLabel = (value: string | null | undefined) => (value ? (dispositions.get(value) ?? value) : '—');
export const tagLabel = (value: string) => tags.get(value) ?? value;
export const stageLabel = (value: string | null | undefined) => (value ? (stages.get(value) ?? value) : '—');
export const intentOptions = taxonomy.intents.map((e) => ({ value: e.value, label: e.label }));
export const dispositionOptions = taxonomy.dispositions.map((e) => ({ value: e.value, label: e.label }));
