// The Call_Event__e payload. Its schema is built when the relay loads, from the one contract in
// config/call-event.json that force-app's field files also follow, so a field renamed in one
// place and not the other fails a test instead of being dropped silently by the org.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Turn } from '../calls/model.ts';
import type { CrmView } from './policy.ts';

const FieldBase = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/),
  required: z.boolean(),
  group: z.enum(['always', 'identity', 'summary', 'transcript', 'transcriptLink', 'recordingLink', 'insights']),
  label: z.string().min(1),
  description: z.string().min(1),
});

export const ContractField = z.discriminatedUnion('type', [
  FieldBase.extend({ type: z.literal('Text'), length: z.number().int().min(1).max(255) }),
  FieldBase.extend({ type: z.literal('LongTextArea'), length: z.number().int().min(256).max(131_072) }),
  FieldBase.extend({ type: z.literal('Number'), precision: z.number().int().min(1).max(18), scale: z.number().int().min(0) }),
  FieldBase.extend({ type: z.literal('DateTime') }),
  FieldBase.extend({ type: z.literal('Checkbox') }),
]);
export type ContractField = z.infer<typeof ContractField>;

export const CallEventContract = z.object({
  object: z.literal('Call_Event__e'),
  schemaVersion: z.number().int().positive(),
  fields: z.array(ContractField).min(1),
});
export type CallEventContract = z.infer<typeof CallEventContract>;

export const callEventContractPath = new URL('../../../config/call-event.json', import.meta.url);
export const callEventContract: CallEventContract = CallEventContract.parse(JSON.parse(readFileSync(callEventContractPath, 'utf8')));

function valueSchema(field: ContractField): z.ZodType {
  switch (field.type) {
    case 'Text':
    case 'LongTextArea':
      return z.string().max(field.length);
    case 'Number': {
      // Number(precision, scale) holds precision - scale digits before the decimal point.
      const bound = 10 ** (field.precision - field.scale);
      return z.number().gt(-bound).lt(bound);
    }
    case 'DateTime':
      return z.iso.datetime({ offset: true });
    case 'Checkbox':
      return z.boolean();
  }
}

export function buildPayloadSchema(contract: CallEventContract) {
  const shape: Record<string, z.ZodType> = {};
  for (const field of contract.fields) shape[field.name] = field.required ? valueSchema(field) : valueSchema(field).optional();
  return z.strictObject(shape);
}

export const CallEventPayload = buildPayloadSchema(callEventContract);
export type CallEvent = z.infer<typeof CallEventPayload>;

/** Salesforce accepts event messages up to 1 MB; this leaves room for the envelope it adds. */
export const MAX_EVENT_BYTES = 1_000_000;

const TRUNCATED_TEXT = '…';

export class CallEventError extends Error {}

function fieldLength(name: string): number {
  const field = callEventContract.fields.find((f) => f.name === name);
  if (!field || (field.type !== 'Text' && field.type !== 'LongTextArea')) throw new Error(`${name} is not a text field of the contract`);
  return field.length;
}

/** Cuts to at most `units` UTF-16 code units (Salesforce counts length that way) without splitting a surrogate pair. */
function cut(text: string, units: number): string {
  if (text.length <= units) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(units - 1)) ? units - 1 : units;
  return text.slice(0, end);
}

/** Free text that is too long for its field is shortened rather than making the org reject the whole call. */
function clip(text: string | null, name: string): string | null {
  if (text === null) return null;
  const max = fieldLength(name);
  return text.length <= max ? text : cut(text, max - TRUNCATED_TEXT.length) + TRUNCATED_TEXT;
}

function tagList(tags: string[]): string | null {
  const max = fieldLength('Tags__c');
  let joined = '';
  // Whole tags only: half a tag would be a value the taxonomy does not have.
  for (const tag of tags) {
    const next = joined ? `${joined};${tag}` : tag;
    if (next.length > max) break;
    joined = next;
  }
  return joined || null;
}

/** An optional date the analyser could not express as a date is left out rather than failing the call. */
function dateTime(value: string | null): string | null {
  if (value === null) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

const round3 = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

export function renderTranscript(turns: Turn[]): string {
  return turns.map((turn) => `${turn.speaker === 'caller' ? 'Caller' : 'Agent'}: ${turn.text.replace(/\s*\n\s*/g, ' ')}`).join('\n');
}

const jsonBytes = (text: string) => Buffer.byteLength(JSON.stringify(text), 'utf8');

/**
 * The longest start of the transcript that, with a marker saying it was cut, fits both the
 * field's length in characters and the bytes left under the event limit (JSON-escaped UTF-8,
 * so multi-byte text costs what it really costs).
 */
function fitTranscript(full: string, maxUnits: number, maxBytes: number): string | null {
  if (full.length <= maxUnits && jsonBytes(full) <= maxBytes) return full;
  const marker = `\n[Transcript truncated by the relay to fit Salesforce's limits; the full text had ${full.length} characters.]`;
  let low = 0;
  let high = Math.min(full.length, maxUnits - marker.length);
  if (high < 0 || jsonBytes(marker) > maxBytes) return null;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (jsonBytes(cut(full, middle) + marker) <= maxBytes) low = middle;
    else high = middle - 1;
  }
  return cut(full, low) + marker;
}

type Mapping = (view: CrmView) => string | number | boolean | null;

// One entry per contract field; the check below keeps this table and the contract identical.
const mapping: Record<string, Mapping> = {
  Call_Id__c: (v) => v.callId,
  Schema_Version__c: () => callEventContract.schemaVersion,
  Event_Type__c: (v) => v.eventType,
  Provider__c: (v) => v.provider,
  Agent_Id__c: (v) => v.agentId,
  Direction__c: (v) => (v.direction === 'inbound' ? 'Inbound' : 'Outbound'),
  From_Phone__c: (v) => v.fromPhone,
  To_Phone__c: (v) => v.toPhone,
  Caller_Name__c: (v) => clip(v.callerName, 'Caller_Name__c'),
  Caller_Name_Confidence__c: (v) => round3(v.callerNameConfidence),
  Caller_Email__c: (v) => v.callerEmail,
  Intent__c: (v) => v.intent,
  Intent_Confidence__c: (v) => round3(v.intentConfidence),
  Disposition__c: (v) => v.disposition,
  Summary__c: (v) => clip(v.summary, 'Summary__c'),
  // Filled in last by toCallEvent, once the size of everything else is known.
  Transcript__c: () => null,
  Transcript_URL__c: (v) => v.transcriptUrl,
  Recording_URL__c: (v) => v.recordingUrl,
  Duration_Seconds__c: (v) => v.durationSeconds,
  Start_Time__c: (v) => dateTime(v.startedAt),
  End_Time__c: (v) => dateTime(v.endedAt),
  Consent__c: (v) => v.consent,
  PII_Redaction_Confidence__c: (v) => round3(v.redactionConfidence),
  Analysis_Source__c: (v) => v.analysisSource,
  Next_Action__c: (v) => clip(v.nextAction, 'Next_Action__c'),
  Next_Action_Due__c: (v) => dateTime(v.nextActionDue),
  Tags__c: (v) => tagList(v.tags),
  Pipeline_Stage__c: (v) => v.pipelineStage,
  Appointment_Time__c: (v) => dateTime(v.appointmentTime),
  Qualification_Notes__c: (v) => clip(v.qualificationNotes, 'Qualification_Notes__c'),
};

/** Contract fields the relay has no mapping for, and mappings for fields the contract lacks. */
export function mappingDrift(contract: CallEventContract = callEventContract): { unmapped: string[]; unknown: string[] } {
  const names = new Set(contract.fields.map((f) => f.name));
  return {
    unmapped: [...names].filter((name) => !(name in mapping)),
    unknown: Object.keys(mapping).filter((name) => !names.has(name)),
  };
}

const drift = mappingDrift();
if (drift.unmapped.length > 0 || drift.unknown.length > 0) {
  throw new Error(`call event mapping and config/call-event.json differ: unmapped ${drift.unmapped.join(', ') || '-'}; unknown ${drift.unknown.join(', ') || '-'}`);
}

/** The Call_Event__e record for one call, as the policy allows it; absent values are left out. */
export function toCallEvent(view: CrmView, options: { maxEventBytes?: number } = {}): CallEvent {
  const record: Record<string, string | number | boolean> = {};
  for (const [name, map] of Object.entries(mapping)) {
    const value = map(view);
    if (value !== null) record[name] = value;
  }
  if (view.transcript) {
    const fieldOverhead = jsonBytes('Transcript__c') + 2; // the key, its colon and a comma
    const left = (options.maxEventBytes ?? MAX_EVENT_BYTES) - Buffer.byteLength(JSON.stringify(record), 'utf8') - fieldOverhead;
    const transcript = fitTranscript(renderTranscript(view.transcript), fieldLength('Transcript__c'), left);
    if (transcript !== null) record.Transcript__c = transcript;
  }
  const parsed = CallEventPayload.safeParse(record);
  // Field names and rules only: the values are call content and must not reach logs.
  if (!parsed.success) throw new CallEventError(`invalid Call_Event__e: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
