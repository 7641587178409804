// The HubSpot properties the relay writes beyond HubSpot's own, in one group per object, with
// enumeration options taken from the locked taxonomy. setupHubSpot first checks that the token
// holds every scope the relay needs and names any that is missing, then creates what is missing
// and adds options the taxonomy gained since; it never deletes, so running it again is harmless.
import { taxonomy } from '../../taxonomy.ts';
import type { HubSpotApi, PropertyDefinition } from './api.ts';
import { operations, scopesUsed, type OperationSpec, type SchemaObjectType } from './operations.ts';

export const propertyGroup = { name: 'ai_call_sync', label: 'AI Call Sync', displayOrder: -1 };

/** Names the sink writes, in one place so the writer and setup cannot disagree. */
export const props = {
  callId: 'ai_call_id',
  intent: 'ai_call_intent',
  intentConfidence: 'ai_call_intent_confidence',
  disposition: 'ai_call_disposition',
  summary: 'ai_call_summary',
  transcriptUrl: 'ai_call_transcript_url',
  phoneKey: 'ai_call_phone_key',
  lastIntent: 'ai_call_last_intent',
  lastDisposition: 'ai_call_last_disposition',
  lastSummary: 'ai_call_last_summary',
  lastCallAt: 'ai_call_last_call_at',
  syncNotes: 'ai_call_sync_notes',
} as const;

const options = (list: { value: string; label: string }[]) =>
  list.map((entry, displayOrder) => ({ value: entry.value, label: entry.label, displayOrder }));

const group = propertyGroup.name;

// A plain searchable property: HubSpot documents unique values for contacts, companies, deals,
// tickets and custom objects, not for calls or tasks. The relay's own step records keep retries
// from duplicating; this property is what it searches by when a step's outcome is unknown.
const callIdProperty = (description: string): PropertyDefinition => ({
  name: props.callId,
  label: 'AI call id',
  type: 'string',
  fieldType: 'text',
  groupName: group,
  description,
});

const intent = (name: string, label: string): PropertyDefinition => ({
  name,
  label,
  type: 'enumeration',
  fieldType: 'select',
  groupName: group,
  description: 'Why the caller called, from the AI Call Sync taxonomy.',
  options: options(taxonomy.intents),
});

const disposition = (name: string, label: string): PropertyDefinition => ({
  name,
  label,
  type: 'enumeration',
  fieldType: 'select',
  groupName: group,
  description: 'How the call ended, from the AI Call Sync taxonomy.',
  options: options(taxonomy.dispositions),
});

export const propertyDefinitions: Record<'contacts' | 'calls' | 'tasks', PropertyDefinition[]> = {
  calls: [
    callIdProperty('The provider call id (e.g. Twilio CallSid) this call was logged from.'),
    intent(props.intent, 'AI call intent'),
    {
      name: props.intentConfidence,
      label: 'AI call intent confidence',
      type: 'number',
      fieldType: 'number',
      groupName: group,
      description: 'How sure the analysis is of the intent, from 0 to 1.',
    },
    disposition(props.disposition, 'AI call disposition'),
    {
      name: props.summary,
      label: 'AI call summary',
      type: 'string',
      fieldType: 'textarea',
      groupName: group,
      description: 'What was asked, what was said, and the next step.',
    },
    {
      name: props.transcriptUrl,
      label: 'AI call transcript link',
      type: 'string',
      fieldType: 'text',
      groupName: group,
      description: 'Signed link to the redacted transcript served by the relay.',
    },
    {
      name: props.syncNotes,
      label: 'AI call sync notes',
      type: 'string',
      fieldType: 'textarea',
      groupName: group,
      description: 'What AI Call Sync could not write for this call, and why (an email HubSpot refuses, a recording link it cannot play, a lead status the portal lacks).',
    },
  ],
  tasks: [callIdProperty('The call this follow-up task was created for.')],
  contacts: [
    {
      name: props.phoneKey,
      label: 'AI call phone key',
      type: 'string',
      fieldType: 'text',
      groupName: group,
      description: 'The caller number in E.164, kept by AI Call Sync to find this contact again without search.',
      hasUniqueValue: true,
    },
    intent(props.lastIntent, 'Last AI call intent'),
    disposition(props.lastDisposition, 'Last AI call disposition'),
    {
      name: props.lastSummary,
      label: 'Last AI call summary',
      type: 'string',
      fieldType: 'textarea',
      groupName: group,
      description: 'Summary of the most recent AI-handled call.',
    },
    {
      name: props.lastCallAt,
      label: 'Last AI call',
      type: 'datetime',
      fieldType: 'date',
      groupName: group,
      description: 'When the most recent AI-handled call started.',
    },
  ],
};

export type SetupReport = { created: string[]; updated: string[]; unchanged: string[]; notes: string[] };

export class MissingScopesError extends Error {
  readonly missing: string[];
  constructor(missing: string[]) {
    const uses = (scope: string) =>
      Object.entries(operations)
        .filter(([, spec]) => (spec as OperationSpec).scopes.includes(scope))
        .map(([name]) => name);
    super(
      `the HubSpot token lacks ${missing.length === 1 ? 'a scope' : 'scopes'} the relay needs: ${missing.map((s) => `${s} (for ${uses(s).join(', ')})`).join('; ')}. ` +
        'Add them to the app (hubspot-project/src/app/app-hsmeta.json requiredScopes), upload the project, reinstall the app and use its new token.',
    );
    this.missing = missing;
  }
}

/**
 * What the token may do, checked before anything is written: a missing required scope stops
 * setup with its name; transcript sync needs OAuth and both transcript scopes, which a static
 * token cannot hold, so setup says that transcript sync is unavailable rather than letting
 * calls fail after their call and task exist.
 */
export async function checkHubSpotScopes(api: HubSpotApi): Promise<string[]> {
  const token = await api.tokenInfo();
  const granted = new Set(token.scopes);
  const { required, optional } = scopesUsed();
  const missing = required.filter((s) => !granted.has(s));
  if (missing.length > 0) throw new MissingScopesError(missing);
  const notes: string[] = [];
  if (token.kind === 'static') notes.push('transcript sync unavailable: it needs an OAuth app; this token is a static one (full transcripts stay in the relay, the transcript link still works)');
  else if (optional.some((s) => !granted.has(s))) notes.push(`transcript sync unavailable: the token lacks ${optional.filter((s) => !granted.has(s)).join(' and ')}`);
  return notes;
}

/** Lead statuses the taxonomy maps to that this portal does not offer (hs_lead_status options). */
export async function missingLeadStatuses(api: HubSpotApi): Promise<string[]> {
  const property = await api.property('contacts', 'hs_lead_status');
  const offered = new Set(property?.options.map((o) => o.value) ?? []);
  const wanted = new Set([...taxonomy.dispositions, ...taxonomy.pipelineStages].map((e) => e.hubspot.leadStatus).filter((v): v is string => v !== null));
  return [...wanted].filter((v) => !offered.has(v)).sort();
}

/** Checks the token, then creates the property group and properties on contacts, calls and tasks; safe to repeat. */
export async function setupHubSpot(api: HubSpotApi): Promise<SetupReport> {
  const report: SetupReport = { created: [], updated: [], unchanged: [], notes: await checkHubSpotScopes(api) };
  const absentStatuses = await missingLeadStatuses(api);
  if (absentStatuses.length > 0) {
    report.notes.push(`lead statuses this portal lacks (calls that would set them keep the contact's status and say so in ${props.syncNotes}): ${absentStatuses.join(', ')}`);
  }
  for (const [objectType, definitions] of Object.entries(propertyDefinitions) as [SchemaObjectType, PropertyDefinition[]][]) {
    if (!(await api.hasPropertyGroup(objectType, propertyGroup.name))) {
      await api.createPropertyGroup(objectType, propertyGroup);
      report.created.push(`${objectType} group ${propertyGroup.name}`);
    }
    for (const definition of definitions) {
      const label = `${objectType}.${definition.name}`;
      const existing = await api.property(objectType, definition.name);
      if (!existing) {
        await api.createProperty(objectType, definition);
        report.created.push(label);
        continue;
      }
      const have = new Set(existing.options.map((o) => o.value));
      const wanted = definition.options ?? [];
      if (wanted.some((o) => !have.has(o.value))) {
        // Keep options an admin added in HubSpot; only add the taxonomy's missing ones.
        const merged = [...existing.options.filter((o) => !wanted.some((w) => w.value === o.value)), ...wanted];
        await api.updatePropertyOptions(
          objectType,
          definition.name,
          merged.map((o, displayOrder) => ({ value: o.value, label: o.label, displayOrder })),
        );
        report.updated.push(label);
      } else {
        report.unchanged.push(label);
      }
    }
  }
  return report;
}
