// Every HubSpot API operation the relay performs, with the scopes it needs and the page of
// HubSpot's reference that says so. The relay can only make requests through one of these
// names; a test checks that the app's scopes in hubspot-project/src/app/app-hsmeta.json are
// exactly the ones listed here, and the local portal in the tests refuses (403
// MISSING_SCOPES) any request whose token lacks them.
//
// Scopes are per object type. Where HubSpot's sources disagree, the comment on the row says so:
// - Calls and tasks are engagements: HubSpot's OpenAPI for /crm/v3/objects/calls and /tasks
//   lists crm.objects.contacts.read/write for them (there is no crm.objects.calls.write).
// - Property definitions on calls and tasks: the 2026-09 "Create a property" reference lists
//   crm.schemas.calls.write and crm.schemas.tasks.write, while the v3 and 2026-03 OpenAPI files
//   in HubSpot's public spec collection list only crm.schemas.contacts.write among the write
//   scopes. The relay asks for the per-object scopes (reads: crm.schemas.calls.read and
//   crm.schemas.tasks.read appear in every version) and `hubspot setup` names any the token lacks.
// - Inline associations to a company, deal or ticket: HubSpot does not say which scope the
//   target needs; the relay holds the target's read scope, which it needs to find it anyway.

const REF = 'https://developers.hubspot.com/docs/api-reference';

export type OperationSpec = {
  /** Every one of these must be granted. */
  scopes: readonly string[];
  /** The search API has its own, lower rate limit. */
  search: boolean;
  /** Optional scopes are asked for as optionalScopes: the app installs without them. */
  optional?: boolean;
  /** HubSpot's reference page for this request. */
  doc: string;
};

const op = (scopes: string[], doc: string, extra: Partial<OperationSpec> = {}): OperationSpec => ({ scopes, search: false, doc, ...extra });

export const operations = {
  // What the token may do: private-app (static) tokens and OAuth tokens each have their own door.
  tokenInfoStatic: op([], 'https://developers.hubspot.com/docs/apps/legacy-apps/private-apps/overview'),
  tokenInfoOAuth: op([], `${REF}/legacy/authentication/oauth-tokens/v1/get-oauth-token-metadata`),

  searchContacts: op(['crm.objects.contacts.read'], `${REF}/latest/crm/objects/contacts/search/search-contacts`, { search: true }),
  readContacts: op(['crm.objects.contacts.read'], `${REF}/latest/crm/objects/contacts/batch/read-contacts`),
  createContacts: op(['crm.objects.contacts.write'], `${REF}/latest/crm/objects/contacts/batch/create-contacts`),
  updateContacts: op(['crm.objects.contacts.write'], `${REF}/latest/crm/objects/contacts/batch/update-contacts`),

  createCalls: op(['crm.objects.contacts.write', 'crm.objects.companies.read'], `${REF}/legacy/crm/activities/calls/batch/create-calls`),
  updateCalls: op(['crm.objects.contacts.write'], `${REF}/2026-03/crm/activities/calls/batch/update-calls`),
  readCalls: op(['crm.objects.contacts.read'], `${REF}/legacy/crm/activities/calls/batch/read-calls`),
  searchCalls: op(['crm.objects.contacts.read'], `${REF}/legacy/crm/activities/calls/search/search-calls`, { search: true }),
  createTasks: op(['crm.objects.contacts.write', 'crm.objects.companies.read'], `${REF}/legacy/crm/activities/tasks/batch/create-tasks`),
  searchTasks: op(['crm.objects.contacts.read'], `${REF}/legacy/crm/activities/tasks/search/search-tasks`, { search: true }),

  // The contact's open deal and open ticket (its primary company is a contact property).
  readContactDeals: op(['crm.objects.deals.read'], `${REF}/latest/crm/associations/v4/batch/read-associations`),
  readDeals: op(['crm.objects.deals.read'], `${REF}/latest/crm/objects/deals/batch/read-deals`),
  readContactTickets: op(['tickets'], `${REF}/latest/crm/associations/v4/batch/read-associations`),
  readTickets: op(['tickets'], `${REF}/latest/crm/objects/tickets/batch/read-tickets`),

  // The card: a record's calls, then the calls themselves.
  readContactCallAssociations: op(['crm.objects.contacts.read'], `${REF}/latest/crm/associations/v4/basic/list-associations`),
  readDealCallAssociations: op(['crm.objects.deals.read'], `${REF}/latest/crm/associations/v4/basic/list-associations`),
  readTicketCallAssociations: op(['tickets'], `${REF}/latest/crm/associations/v4/basic/list-associations`),

  // HubSpot's calls guide documents GET /calling/v1/dispositions without naming a scope; the
  // relay treats it as a read of call data.
  listDispositions: op(['crm.objects.contacts.read'], `${REF}/legacy/crm/activities/calls/guide`),

  readPropertyContacts: op(['crm.schemas.contacts.read'], `${REF}/latest/crm/properties/core/get-property`),
  readPropertyCalls: op(['crm.schemas.calls.read'], `${REF}/latest/crm/properties/core/get-property`),
  readPropertyTasks: op(['crm.schemas.tasks.read'], `${REF}/latest/crm/properties/core/get-property`),
  writePropertyContacts: op(['crm.schemas.contacts.write'], `${REF}/2026-09/crm/properties/core/create-property`),
  writePropertyCalls: op(['crm.schemas.calls.write'], `${REF}/2026-09/crm/properties/core/create-property`),
  writePropertyTasks: op(['crm.schemas.tasks.write'], `${REF}/2026-09/crm/properties/core/create-property`),

  // Only with OAuth, and only when a policy sends the full transcript: optional scopes.
  createTranscript: op(['crm.extensions_calling_transcripts.read', 'crm.extensions_calling_transcripts.write'], `${REF}/latest/crm/extensions/calling/transcripts`, { optional: true }),
} as const satisfies Record<string, OperationSpec>;

export type Operation = keyof typeof operations;

export type SchemaObjectType = 'contacts' | 'calls' | 'tasks';

const capital = { contacts: 'Contacts', calls: 'Calls', tasks: 'Tasks' } as const;

export const readProperty = (type: SchemaObjectType): Operation => `readProperty${capital[type]}`;
export const writeProperty = (type: SchemaObjectType): Operation => `writeProperty${capital[type]}`;

/** Scopes the app must request up front, and those it may request as optional. */
export function scopesUsed(): { required: string[]; optional: string[] } {
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const spec of Object.values(operations) as OperationSpec[]) {
    for (const scope of spec.scopes) (spec.optional ? optional : required).add(scope);
  }
  return { required: [...required].sort(), optional: [...optional].filter((s) => !required.has(s)).sort() };
}

/** The scopes an operation needs that the token was not granted. */
export function missingScopes(operation: Operation, granted: ReadonlySet<string>): string[] {
  return (operations[operation] as OperationSpec).scopes.filter((scope) => !granted.has(scope));
}
