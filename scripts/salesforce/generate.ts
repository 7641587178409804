// Generates the Salesforce metadata that must say exactly what config/ says: the Call_Event__e
// platform event and its fields (config/call-event.json), the global value sets and the routing
// defaults (config/taxonomy.json), the fields the subscriber writes on AI_Call__c, Lead,
// Contact, Case and Task, and the permission sets that grant them. The output is committed;
// relay/test/contract/salesforce-package.test.ts regenerates it in memory and fails on any
// difference, so config and org never drift apart.
//
//   node scripts/salesforce/generate.ts          writes the files
//   node scripts/salesforce/generate.ts --check  exits 1 and lists the files that differ
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { callEventContract, type ContractField } from '../../relay/src/sync/call-event.ts';
import { taxonomy } from '../../relay/src/taxonomy.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const metadataRoot = 'force-app/main/default';

/** The global value sets, by developer name, built from the taxonomy lists. */
export const globalValueSets = {
  AI_Call_Intent: { label: 'AI Call Intent', entries: taxonomy.intents, about: 'Why the caller called.' },
  AI_Call_Disposition: { label: 'AI Call Disposition', entries: taxonomy.dispositions, about: 'How the call ended.' },
  AI_Call_Pipeline_Stage: { label: 'AI Call Pipeline Stage', entries: taxonomy.pipelineStages, about: 'Where the caller stands in the pipeline.' },
  AI_Call_Tag: { label: 'AI Call Tag', entries: taxonomy.tags, about: 'Tags the analyser may attach to a call.' },
} as const;
type ValueSetName = keyof typeof globalValueSets;

/** A custom field as the generator writes it; `type` is the Metadata API field type. */
type FieldSpec =
  | { type: 'Text'; length: number; externalId?: boolean; unique?: boolean; required?: boolean }
  | { type: 'LongTextArea'; length: number; visibleLines: number }
  | { type: 'Number' | 'Percent'; precision: number; scale: number }
  | { type: 'DateTime' | 'Phone' | 'Email' | 'Url' }
  | { type: 'Checkbox' }
  | { type: 'Picklist'; valueSet: ValueSetName }
  | { type: 'MultiselectPicklist'; valueSet: ValueSetName; visibleLines: number }
  | { type: 'LocalPicklist'; values: { value: string; label: string }[] }
  | { type: 'Lookup'; referenceTo: string; relationshipName: string; relationshipLabel: string };
type Field = { name: string; label: string; description: string; spec: FieldSpec };

const xmlHeader = '<?xml version="1.0" encoding="UTF-8"?>\n';
const metadataNs = 'http://soap.sforce.com/2006/04/metadata';

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function element(name: string, value: string | number | boolean, indent = 1): string {
  return `${'    '.repeat(indent)}<${name}>${escapeXml(String(value))}</${name}>\n`;
}

function fieldXml(field: Field): string {
  const { spec } = field;
  let body = element('fullName', field.name) + element('description', field.description);
  const label = element('label', field.label);
  switch (spec.type) {
    case 'Text':
      body += element('externalId', spec.externalId ?? false) + label + element('length', spec.length);
      body += element('required', spec.required ?? false) + element('type', 'Text') + element('unique', spec.unique ?? false);
      if (spec.unique) body += element('caseSensitive', false);
      break;
    case 'LongTextArea':
      body += element('externalId', false) + label + element('length', spec.length) + element('type', 'LongTextArea');
      body += element('visibleLines', spec.visibleLines);
      break;
    case 'Number':
    case 'Percent':
      body += element('externalId', false) + label + element('precision', spec.precision) + element('required', false);
      body += element('scale', spec.scale) + element('type', spec.type) + element('unique', false);
      break;
    case 'DateTime':
    case 'Phone':
    case 'Email':
    case 'Url':
      body += (spec.type === 'Email' ? element('externalId', false) : '') + label + element('required', false);
      body += element('type', spec.type) + (spec.type === 'Email' ? element('unique', false) : '');
      break;
    case 'Checkbox':
      body += element('defaultValue', false) + element('externalId', false) + label + element('type', 'Checkbox');
      break;
    case 'Picklist':
    case 'MultiselectPicklist':
      body += label + element('required', false) + element('type', spec.type);
      body += '    <valueSet>\n' + element('restricted', true, 2) + element('valueSetName', spec.valueSet, 2) + '    </valueSet>\n';
      if (spec.type === 'MultiselectPicklist') body += element('visibleLines', spec.visibleLines);
      break;
    case 'LocalPicklist':
      body += label + element('required', false) + element('type', 'Picklist') + '    <valueSet>\n' + element('restricted', true, 2);
      body += '        <valueSetDefinition>\n' + element('sorted', false, 3);
      for (const { value, label: valueLabel } of spec.values) {
        body += '            <value>\n' + element('fullName', value, 4) + element('default', false, 4) + element('label', valueLabel, 4);
        body += '            </value>\n';
      }
      body += '        </valueSetDefinition>\n    </valueSet>\n';
      break;
    case 'Lookup':
      body += element('deleteConstraint', 'SetNull') + element('externalId', false) + label + element('referenceTo', spec.referenceTo);
      body += element('relationshipLabel', spec.relationshipLabel) + element('relationshipName', spec.relationshipName);
      body += element('required', false) + element('type', 'Lookup');
      break;
  }
  return `${xmlHeader}<CustomField xmlns="${metadataNs}">\n${body}</CustomField>\n`;
}

/** The event field exactly as the contract states it. */
function eventField(field: ContractField): Field {
  const base = { name: field.name, label: field.label, description: field.description };
  switch (field.type) {
    case 'Text':
      return { ...base, spec: { type: 'Text', length: field.length, required: field.required } };
    case 'LongTextArea':
      return { ...base, spec: { type: 'LongTextArea', length: field.length, visibleLines: 5 } };
    case 'Number':
      return { ...base, spec: { type: 'Number', precision: field.precision, scale: field.scale } };
    case 'DateTime':
      return { ...base, spec: { type: 'DateTime' } };
    case 'Checkbox':
      return { ...base, spec: { type: 'Checkbox' } };
  }
}

// On AI_Call__c the event's text fields become the types reps and reports need: picklists on
// the taxonomy's value sets, phones, emails and links. Everything else keeps the event's type.
const aiCallTypeOverrides: Record<string, FieldSpec> = {
  Call_Id__c: { type: 'Text', length: 64, externalId: true, unique: true, required: true },
  From_Phone__c: { type: 'Phone' },
  To_Phone__c: { type: 'Phone' },
  Caller_Email__c: { type: 'Email' },
  Intent__c: { type: 'Picklist', valueSet: 'AI_Call_Intent' },
  Disposition__c: { type: 'Picklist', valueSet: 'AI_Call_Disposition' },
  Pipeline_Stage__c: { type: 'Picklist', valueSet: 'AI_Call_Pipeline_Stage' },
  Tags__c: { type: 'MultiselectPicklist', valueSet: 'AI_Call_Tag', visibleLines: 4 },
  Transcript_URL__c: { type: 'Url' },
  Recording_URL__c: { type: 'Url' },
};
/** Event fields that describe the delivery, not the call, and so have no AI_Call__c field. */
export const eventOnlyFields = new Set(['Schema_Version__c', 'Event_Type__c']);

const lookups: [string, string][] = [
  ['Lead', 'Lead'],
  ['Contact', 'Contact'],
  ['Account', 'Account'],
  ['Case', 'Case'],
  ['Opportunity', 'Opportunity'],
];

export const syncStatuses = [
  { value: 'Pending', label: 'Pending' },
  { value: 'Synced', label: 'Synced' },
  { value: 'Needs_Review', label: 'Needs review' },
  { value: 'Error', label: 'Error' },
  { value: 'Redacted', label: 'Redacted' },
];

function aiCallFields(): Field[] {
  const mirrored = callEventContract.fields
    .filter((field) => !eventOnlyFields.has(field.name))
    .map((field): Field => {
      const override = aiCallTypeOverrides[field.name];
      return override ? { ...eventField(field), spec: override } : eventField(field);
    });
  const related = lookups.map(([object, label]): Field => ({
    name: `${object}__c`,
    label,
    description: `The ${label} this call was matched to or created for.`,
    spec: { type: 'Lookup', referenceTo: object, relationshipName: 'AI_Calls', relationshipLabel: 'AI Calls' },
  }));
  const bookkeeping: Field[] = [
    { name: 'Sync_Status__c', label: 'Sync Status', description: 'Pending (received, waiting for the processing job), Synced, Needs review (a taxonomy value or Lead Status the org lacks, a duplicate rule, an inactive owner), Error, or Redacted after a data deletion request.', spec: { type: 'LocalPicklist', values: syncStatuses } },
    { name: 'Sync_Attempts__c', label: 'Sync Attempts', description: 'How many times the processing job has tried this call; it stops retrying at the Max Retries setting and marks the call Error.', spec: { type: 'Number', precision: 3, scale: 0 } },
    { name: 'Last_Error__c', label: 'Last Error', description: 'Why the last sync of this call did not fully succeed. Empty when it did.', spec: { type: 'LongTextArea', length: 32768, visibleLines: 3 } },
    { name: 'Match_Method__c', label: 'Match Method', description: 'How the caller was matched: phone_key, phone_search, email, person_account, created_lead, unknown_caller_lead, or none.', spec: { type: 'Text', length: 40 } },
    { name: 'Unmapped_Values__c', label: 'Unmapped Values', description: 'Taxonomy values the event carried that this org lacks (kept here instead of dropped).', spec: { type: 'Text', length: 255 } },
    { name: 'Redacted_At__c', label: 'Redacted At', description: 'When the summary and transcript were cleared on request.', spec: { type: 'DateTime' } },
  ];
  return [...mirrored, ...related, ...bookkeeping];
}

const canonicalFields: Field[] = [
  { name: 'Intent__c', label: 'AI Call Intent', description: 'Intent of the last AI-handled call.', spec: { type: 'Picklist', valueSet: 'AI_Call_Intent' } },
  { name: 'Intent_Confidence__c', label: 'AI Call Intent Confidence', description: 'Analyser confidence (0 to 1) in the last call intent.', spec: { type: 'Number', precision: 4, scale: 3 } },
  { name: 'Disposition__c', label: 'AI Call Disposition', description: 'How the last AI-handled call ended.', spec: { type: 'Picklist', valueSet: 'AI_Call_Disposition' } },
  { name: 'Last_AI_Call_Summary__c', label: 'Last AI Call Summary', description: 'Summary of the last AI-handled call.', spec: { type: 'LongTextArea', length: 32768, visibleLines: 4 } },
  { name: 'Last_AI_Call_At__c', label: 'Last AI Call At', description: 'When the last AI-handled call ended.', spec: { type: 'DateTime' } },
];

// Indexed (External Id) normalised phone keys: SOQL on them sees a record the moment it is
// committed, unlike SOSL whose index lags, so a caller who rings back a minute later is matched.
const phoneKeyFields: Field[] = [
  { name: 'Phone_Key__c', label: 'Phone Key', description: 'Phone as E.164 digits, maintained by AI Call Sync for matching callers. Do not edit.', spec: { type: 'Text', length: 20, externalId: true } },
  { name: 'Mobile_Phone_Key__c', label: 'Mobile Phone Key', description: 'MobilePhone as E.164 digits, maintained by AI Call Sync for matching callers. Do not edit.', spec: { type: 'Text', length: 20, externalId: true } },
];

// Activity custom fields cannot be Long Text Areas, so the Task carries the summary in its
// Description and links to the AI_Call__c, where the transcript is kept behind field-level security.
const taskFields: Field[] = [
  { name: 'Call_Id__c', label: 'Call Id', description: 'Provider call id (with :follow_up for the follow-up Task); makes the logged call idempotent under event replay.', spec: { type: 'Text', length: 80, externalId: true } },
  { name: 'AI_Call__c', label: 'AI Call', description: 'The AI call this Task logs or follows up, with its transcript.', spec: { type: 'Lookup', referenceTo: 'AI_Call__c', relationshipName: 'Activities', relationshipLabel: 'Activities' } },
  { name: 'Transcript_URL__c', label: 'Transcript URL', description: 'Signed link to the transcript page served by the relay.', spec: { type: 'Url' } },
  { name: 'Recording_URL__c', label: 'Recording URL', description: 'Link to the call recording, when the sync policy sends it.', spec: { type: 'Url' } },
];

// Per-disposition and per-intent routing defaults. Lead Status and CallDisposition come from the
// taxonomy; which calls open a Case or a follow-up Task is the package's default policy, kept in
// custom metadata so an admin changes it without code.
const dispositionFollowUps: Record<string, { subject: string; dueInDays: number }> = {
  callback_requested: { subject: 'Call back', dueInDays: 1 },
  message_taken: { subject: 'Respond to message', dueInDays: 1 },
  qualified: { subject: 'Follow up on qualified call', dueInDays: 2 },
  voicemail: { subject: 'Return voicemail', dueInDays: 1 },
};
const intentCases: Record<string, { subject: string }> = {
  support_request: { subject: 'Support request from AI call' },
  complaint: { subject: 'Complaint from AI call' },
};

type RoutingRecord = {
  developerName: string;
  label: string;
  values: Record<string, string | number | boolean | null>;
};

export function routingRecords(): RoutingRecord[] {
  const byDisposition = taxonomy.dispositions.map((disposition): RoutingRecord => {
    const followUp = dispositionFollowUps[disposition.value];
    return {
      developerName: `Disposition_${disposition.value}`,
      label: `Disposition: ${disposition.label}`.slice(0, 40),
      values: {
        Disposition__c: disposition.value,
        Intent__c: null,
        Lead_Status__c: disposition.salesforce.leadStatus,
        Call_Disposition__c: disposition.salesforce.callDisposition,
        Open_Case__c: false,
        Case_Subject__c: null,
        Follow_Up_Subject__c: followUp?.subject ?? null,
        Follow_Up_Due_In_Days__c: followUp?.dueInDays ?? null,
        Owner_Queue__c: null,
        Active__c: true,
      },
    };
  });
  const byIntent = taxonomy.intents
    .filter((intent) => intentCases[intent.value])
    .map((intent): RoutingRecord => ({
      developerName: `Intent_${intent.value}`,
      label: `Intent: ${intent.label}`.slice(0, 40),
      values: {
        Disposition__c: null,
        Intent__c: intent.value,
        Lead_Status__c: null,
        Call_Disposition__c: null,
        Open_Case__c: true,
        Case_Subject__c: intentCases[intent.value]?.subject ?? null,
        Follow_Up_Subject__c: null,
        Follow_Up_Due_In_Days__c: null,
        Owner_Queue__c: null,
        Active__c: true,
      },
    }));
  return [...byDisposition, ...byIntent];
}

function customMetadataXml(record: RoutingRecord): string {
  let body = element('label', record.label) + element('protected', false);
  for (const [field, value] of Object.entries(record.values)) {
    body += '    <values>\n' + element('field', field, 2);
    if (value === null) body += '        <value xsi:nil="true"/>\n';
    else {
      const xsdType = typeof value === 'boolean' ? 'xsd:boolean' : typeof value === 'number' ? 'xsd:double' : 'xsd:string';
      body += `        <value xsi:type="${xsdType}">${escapeXml(String(value))}</value>\n`;
    }
    body += '    </values>\n';
  }
  const ns = `xmlns="${metadataNs}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"`;
  return `${xmlHeader}<CustomMetadata ${ns}>\n${body}</CustomMetadata>\n`;
}

function globalValueSetXml(name: ValueSetName): string {
  const set = globalValueSets[name];
  let body = '';
  for (const entry of set.entries) {
    body += '    <customValue>\n' + element('fullName', entry.value, 2) + element('default', false, 2) + element('label', entry.label, 2);
    body += '    </customValue>\n';
  }
  body += element('description', `${set.about} Generated from config/taxonomy.json; change it there.`);
  body += element('masterLabel', set.label) + element('sorted', false);
  return `${xmlHeader}<GlobalValueSet xmlns="${metadataNs}">\n${body}</GlobalValueSet>\n`;
}

function platformEventXml(): string {
  const body =
    element('deploymentStatus', 'Deployed') +
    element('description', `One finished AI-handled call, published by the AI Call Sync relay (contract version ${callEventContract.schemaVersion}, config/call-event.json).`) +
    element('eventType', 'HighVolume') +
    element('label', 'Call Event') +
    element('pluralLabel', 'Call Events') +
    element('publishBehavior', 'PublishImmediately');
  return `${xmlHeader}<CustomObject xmlns="${metadataNs}">\n${body}</CustomObject>\n`;
}

// Permission sets list every field the package adds, so they are generated from the same field
// lists and cannot forget one. Required fields are left out: their access cannot be restricted.
const syncErrorFields = ['Call_Id__c', 'Replay_Id__c', 'Stage__c', 'Message__c', 'Resolved__c'];

type Access = 'edit' | 'read' | 'none';
type ObjectAccess = { object: string; create: boolean; read: boolean; edit: boolean; delete: boolean; all: boolean };
type PermissionSetSpec = {
  name: string;
  label: string;
  description: string;
  objects: ObjectAccess[];
  fieldAccess: (object: string, field: Field) => Access;
  classes: string[];
  customPermissions?: string[];
  tabs: string[];
};

const objectAccess = (object: string, level: 'all' | 'write' | 'create' | 'read'): ObjectAccess => ({
  object,
  create: level !== 'read',
  read: true,
  edit: level === 'all' || level === 'write',
  delete: level === 'all',
  all: level === 'all',
});

function packageFields(): [string, Field[]][] {
  const errorFields = syncErrorFields.map((name): Field => ({ name, label: name, description: '', spec: { type: 'Text', length: 1 } }));
  return [
    ['AI_Call__c', aiCallFields()],
    ['AI_Call_Sync_Error__c', errorFields],
    ['Lead', [...canonicalFields, ...phoneKeyFields]],
    ['Contact', [...canonicalFields, ...phoneKeyFields]],
    ['Case', canonicalFields],
    ['Activity', taskFields],
  ];
}

const isPhoneKey = (field: Field) => phoneKeyFields.some((key) => key.name === field.name);
const isTranscript = (object: string, field: Field) => object === 'AI_Call__c' && field.name === 'Transcript__c';

export const permissionSets: PermissionSetSpec[] = [
  {
    name: 'AI_Call_Sync_Admin',
    label: 'AI Call Sync Admin',
    description: 'Administers AI Call Sync: every AI call and its transcript, sync errors, routing rules, the phone key backfill.',
    objects: [objectAccess('AI_Call__c', 'all'), objectAccess('AI_Call_Sync_Error__c', 'all')],
    fieldAccess: (_object, field) => (isPhoneKey(field) ? 'read' : 'edit'),
    classes: ['AiCallPanelController', 'PhoneKeyBackfillBatch', 'AiCallSyncSetupController'],
    // Gates the setup page and the backfill, which writes the read-only phone keys in system mode.
    customPermissions: ['AI_Call_Sync_Administer'],
    tabs: ['AI_Call__c', 'AI_Call_Sync_Error__c', 'AI_Call_Sync_Setup'],
  },
  {
    name: 'AI_Call_Sync_Rep',
    label: 'AI Call Sync Rep',
    description: 'Reads AI calls in the call panel and on records: summary, intent, disposition, links. Not the full transcript.',
    objects: [objectAccess('AI_Call__c', 'read')],
    fieldAccess: (object, field) => (object === 'AI_Call_Sync_Error__c' || isTranscript(object, field) ? 'none' : 'read'),
    classes: ['AiCallPanelController'],
    tabs: ['AI_Call__c'],
  },
  {
    name: 'AI_Call_Sync_Subscriber',
    label: 'AI Call Sync Subscriber',
    description: 'For the running user of the Call_Event__e trigger (PlatformEventSubscriberConfig): writes calls, Leads, Cases, Tasks and sync errors.',
    objects: [
      objectAccess('AI_Call__c', 'all'),
      objectAccess('AI_Call_Sync_Error__c', 'create'),
      objectAccess('Lead', 'write'),
      objectAccess('Contact', 'write'),
      objectAccess('Case', 'write'),
      objectAccess('Account', 'read'),
      objectAccess('Opportunity', 'read'),
    ],
    fieldAccess: () => 'edit',
    classes: [],
    tabs: [],
  },
  {
    name: 'AI_Call_Sync_Integration',
    label: 'AI Call Sync Integration',
    description: 'For the API user of the AI Call Sync relay: publishes Call_Event__e and reads caller context (CallerContextResource) at call start.',
    // Caller context reads in user mode: the integration user sees the caller's name, owner,
    // open Case and open Opportunity only with read access to them.
    objects: [
      { object: 'Call_Event__e', create: true, read: true, edit: false, delete: false, all: false },
      objectAccess('Contact', 'read'),
      objectAccess('Lead', 'read'),
      objectAccess('Case', 'read'),
      objectAccess('Account', 'read'),
      objectAccess('Opportunity', 'read'),
    ],
    fieldAccess: () => 'none',
    classes: ['CallerContextResource'],
    tabs: [],
  },
];

function permissionSetXml(spec: PermissionSetSpec): string {
  let body = '';
  for (const apexClass of spec.classes) {
    body += '    <classAccesses>\n' + element('apexClass', apexClass, 2) + element('enabled', true, 2) + '    </classAccesses>\n';
  }
  for (const permission of spec.customPermissions ?? []) {
    body += '    <customPermissions>\n' + element('enabled', true, 2) + element('name', permission, 2) + '    </customPermissions>\n';
  }
  body += element('description', spec.description);
  for (const [object, fields] of packageFields()) {
    for (const field of fields) {
      const required = field.spec.type === 'Text' && field.spec.required;
      const access = spec.fieldAccess(object, field);
      if (required || access === 'none') continue;
      body += '    <fieldPermissions>\n' + element('editable', access === 'edit', 2) + element('field', `${object}.${field.name}`, 2);
      body += element('readable', true, 2) + '    </fieldPermissions>\n';
    }
  }
  body += element('hasActivationRequired', false) + element('label', spec.label);
  for (const access of spec.objects) {
    body += '    <objectPermissions>\n' + element('allowCreate', access.create, 2) + element('allowDelete', access.delete, 2);
    body += element('allowEdit', access.edit, 2) + element('allowRead', access.read, 2) + element('modifyAllRecords', access.all, 2);
    body += element('object', access.object, 2) + element('viewAllRecords', access.all, 2) + '    </objectPermissions>\n';
  }
  for (const tab of spec.tabs) {
    body += '    <tabSettings>\n' + element('tab', tab, 2) + element('visibility', 'Visible', 2) + '    </tabSettings>\n';
  }
  return `${xmlHeader}<PermissionSet xmlns="${metadataNs}">\n${body}</PermissionSet>\n`;
}

/** Every generated file, keyed by its path relative to the repository root. */
export function renderPackageMetadata(): Map<string, string> {
  const files = new Map<string, string>();
  const addFields = (object: string, fields: Field[]) => {
    for (const field of fields) files.set(`${metadataRoot}/objects/${object}/fields/${field.name}.field-meta.xml`, fieldXml(field));
  };
  files.set(`${metadataRoot}/objects/Call_Event__e/Call_Event__e.object-meta.xml`, platformEventXml());
  addFields('Call_Event__e', callEventContract.fields.map(eventField));
  addFields('AI_Call__c', aiCallFields());
  addFields('Lead', [...canonicalFields, ...phoneKeyFields]);
  addFields('Contact', [...canonicalFields, ...phoneKeyFields]);
  addFields('Case', canonicalFields);
  addFields('Activity', taskFields);
  for (const name of Object.keys(globalValueSets) as ValueSetName[]) {
    files.set(`${metadataRoot}/globalValueSets/${name}.globalValueSet-meta.xml`, globalValueSetXml(name));
  }
  for (const spec of permissionSets) {
    files.set(`${metadataRoot}/permissionsets/${spec.name}.permissionset-meta.xml`, permissionSetXml(spec));
  }
  for (const record of routingRecords()) {
    files.set(`${metadataRoot}/customMetadata/AI_Call_Routing.${record.developerName}.md-meta.xml`, customMetadataXml(record));
  }
  return files;
}

/** Paths whose committed content differs from what the config says. */
export function staleFiles(files = renderPackageMetadata()): string[] {
  const stale: string[] = [];
  for (const [relative, content] of files) {
    let committed: string | null = null;
    try {
      committed = readFileSync(path.join(repoRoot, relative), 'utf8');
    } catch {
      committed = null;
    }
    if (committed !== content) stale.push(relative);
  }
  return stale;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = renderPackageMetadata();
  if (process.argv.includes('--check')) {
    const stale = staleFiles(files);
    for (const relative of stale) console.error(`out of date: ${relative}`);
    process.exit(stale.length ? 1 : 0);
  }
  for (const [relative, content] of files) {
    mkdirSync(path.dirname(path.join(repoRoot, relative)), { recursive: true });
    writeFileSync(path.join(repoRoot, relative), content);
  }
  console.log(`wrote ${files.size} files under ${metadataRoot}`);
}
