// `salesforce check`: asks the org to describe Call_Event__e and compares it with what the relay
// sends. Salesforce refuses a whole publish when a field name is unknown, and a field that is
// shorter than the contract refuses every long value, so this is run once after installing
// the package or changing the contract, with the relay's real credentials.
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Metrics } from '../../metrics.ts';
import { callEventContract, type ContractField } from '../call-event.ts';
import { SalesforceClient } from './client.ts';
import { ApiErrors } from './collections.ts';
import { salesforceCredentials } from './credentials.ts';

const DescribedField = z.object({
  name: z.string(),
  type: z.string(),
  length: z.number().optional(),
  precision: z.number().optional(),
  scale: z.number().optional(),
  createable: z.boolean().optional(),
});
const Describe = z.object({ name: z.string(), fields: z.array(DescribedField) });
type DescribedField = z.infer<typeof DescribedField>;

export type FieldProblem = { field: string; expected: string; found: string };

export type SalesforceCheck = {
  ok: boolean;
  instanceUrl: string | null;
  /** Fields the relay sends that the org's Call_Event__e does not have. */
  missing: string[];
  /** Fields that exist with a type or size that cannot hold what the relay sends. */
  incompatible: FieldProblem[];
};

export class SalesforceCheckError extends Error {}

function expectedOf(field: ContractField): string {
  switch (field.type) {
    case 'Text':
    case 'LongTextArea':
      return `${field.type}(${field.length})`;
    case 'Number':
      return `Number(${field.precision}, ${field.scale})`;
    default:
      return field.type;
  }
}

const describedTypes: Record<ContractField['type'], string[]> = {
  Text: ['string'],
  LongTextArea: ['textarea'],
  Number: ['double', 'int'],
  DateTime: ['datetime'],
  Checkbox: ['boolean'],
};

/** Why the org's field cannot take what the contract sends, or null when it can. */
export function incompatibility(field: ContractField, found: DescribedField): string | null {
  const shown = `${found.type}${found.length ? `(${found.length})` : found.precision ? `(${found.precision}, ${found.scale ?? 0})` : ''}`;
  if (!describedTypes[field.type].includes(found.type)) return shown;
  if ((field.type === 'Text' || field.type === 'LongTextArea') && (found.length ?? 0) < field.length) return shown;
  if (field.type === 'Number' && found.type === 'double' && (found.precision ?? 0) - (found.scale ?? 0) < field.precision - field.scale) return shown;
  // Field-level security decides createable: a field the running user cannot set is dropped.
  if (found.createable === false) return `${shown}, not createable by the integration user`;
  return null;
}

export function compareDescribe(fields: DescribedField[]): Pick<SalesforceCheck, 'missing' | 'incompatible'> {
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  const missing: string[] = [];
  const incompatible: FieldProblem[] = [];
  for (const field of callEventContract.fields) {
    const found = byName.get(field.name.toLowerCase());
    if (!found) {
      missing.push(field.name);
      continue;
    }
    const problem = incompatibility(field, found);
    if (problem) incompatible.push({ field: field.name, expected: expectedOf(field), found: problem });
  }
  return { missing, incompatible };
}

export async function checkSalesforce(config: Config, deps: { metrics?: Metrics; timeoutMs?: number } = {}): Promise<SalesforceCheck> {
  const credentials = salesforceCredentials(config.env);
  if (!credentials) throw new SalesforceCheckError('Salesforce is not configured: set SF_CLIENT_ID and either SF_CLIENT_SECRET or SF_USERNAME with SF_PRIVATE_KEY');
  const client = new SalesforceClient({ credentials, apiVersion: config.env.SF_API_VERSION, metrics: deps.metrics, timeoutMs: deps.timeoutMs });
  const response = await client.send('GET', client.dataPath(`/sobjects/${callEventContract.object}/describe`));
  if (response.status === 404) {
    return { ok: false, instanceUrl: client.instanceUrl, missing: callEventContract.fields.map((f) => f.name), incompatible: [] };
  }
  if (response.status !== 200) {
    const errors = ApiErrors.safeParse(response.body);
    const first = errors.success ? errors.data[0] : undefined;
    throw new SalesforceCheckError(`describe ${callEventContract.object} failed: HTTP ${response.status}${first ? ` ${first.errorCode}: ${first.message}` : ''}`);
  }
  const describe = Describe.safeParse(response.body);
  if (!describe.success) throw new SalesforceCheckError(`describe ${callEventContract.object} answered without a field list`);
  const result = compareDescribe(describe.data.fields);
  return { ok: result.missing.length === 0 && result.incompatible.length === 0, instanceUrl: client.instanceUrl, ...result };
}

/** The check as lines for a terminal. */
export function formatCheck(check: SalesforceCheck): string[] {
  if (check.ok) return [`${callEventContract.object} in ${check.instanceUrl}: all ${callEventContract.fields.length} fields the relay sends are present and compatible`];
  if (check.missing.length === callEventContract.fields.length) return [`${callEventContract.object} does not exist in ${check.instanceUrl}: deploy force-app first`];
  return [
    ...check.missing.map((name) => `missing: ${callEventContract.object}.${name}`),
    ...check.incompatible.map((p) => `incompatible: ${callEventContract.object}.${p.field}: the relay sends ${p.expected}, the org has ${p.found}`),
  ];
}
