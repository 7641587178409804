// The local portal's table of HubSpot operations: every request the relay's sink, `hubspot
// setup` and the card endpoint make, with the scopes HubSpot requires, the properties it
// requires on create, the responses it documents, and the page that documents them. The portal
// refuses (403 MISSING_SCOPES) any request whose token lacks a row's scopes and answers 404 for
// a request with no row, so a new kind of request cannot reach it without a row here.
//
// Scopes come from HubSpot's OpenAPI files (HubSpot-public-api-spec-collection) and its
// reference pages. Those list "one of" many scopes for paths that take an object type; the row
// names the scope for the object type the request is about. Unclear points:
// - engagements (calls, tasks) are granted with the contacts scopes in every OpenAPI version;
// - property writes on calls and tasks: the 2026-09 reference lists crm.schemas.calls.write and
//   crm.schemas.tasks.write, the v3 and 2026-03 OpenAPI files only crm.schemas.contacts.write;
//   this portal follows the 2026-09 reference (the stricter reading);
// - GET /calling/v1/dispositions names no scope; the portal asks for crm.objects.contacts.read;
// - inline associations name no scope for the target; the portal asks for the target's read scope.

const REF = 'https://developers.hubspot.com/docs/api-reference';

/** The object types the portal holds. */
export const OBJECT_TYPES = ['contacts', 'companies', 'deals', 'tickets', 'calls', 'tasks'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

/** HubSpot's record scopes: engagements ride on the contacts scopes, tickets have one scope. */
export function objectScope(type: string, access: 'read' | 'write'): string {
  if (type === 'tickets') return 'tickets';
  if (type === 'calls' || type === 'tasks') return `crm.objects.contacts.${access}`;
  return `crm.objects.${type}.${access}`;
}

export const schemaScope = (type: string, access: 'read' | 'write') => `crm.schemas.${type}.${access}`;

export type OperationRow = {
  method: 'GET' | 'POST' | 'PATCH';
  /** Express-style path; :type is an object type. */
  path: string;
  scopes: (params: Record<string, string>) => string[];
  /** Properties every input of a create must carry, per object type. */
  requiredProperties?: Partial<Record<ObjectType, string[]>>;
  /** Status codes HubSpot documents for success (errors answer with its error body). */
  responses: number[];
  doc: string;
};

export const operationsTable: OperationRow[] = [
  { method: 'POST', path: '/oauth/v2/private-apps/get/access-token-info', scopes: () => [], responses: [200], doc: 'https://developers.hubspot.com/docs/apps/legacy-apps/private-apps/overview' },
  { method: 'GET', path: '/oauth/v1/access-tokens/:token', scopes: () => [], responses: [200], doc: `${REF}/legacy/authentication/oauth-tokens/v1/get-oauth-token-metadata` },
  { method: 'POST', path: '/crm/v3/objects/:type/search', scopes: (p) => [objectScope(p.type ?? '', 'read')], responses: [200], doc: `${REF}/latest/crm/objects/contacts/search/search-contacts` },
  { method: 'POST', path: '/crm/v3/objects/:type/batch/read', scopes: (p) => [objectScope(p.type ?? '', 'read')], responses: [200, 207], doc: `${REF}/latest/crm/objects/contacts/batch/read-contacts` },
  {
    method: 'POST',
    path: '/crm/v3/objects/:type/batch/create',
    scopes: (p) => [objectScope(p.type ?? '', 'write')],
    // The calls and tasks guides: hs_timestamp is required on both.
    requiredProperties: { calls: ['hs_timestamp'], tasks: ['hs_timestamp'] },
    responses: [201, 207],
    doc: `${REF}/legacy/crm/activities/calls/batch/create-calls`,
  },
  { method: 'POST', path: '/crm/v3/objects/:type/batch/update', scopes: (p) => [objectScope(p.type ?? '', 'write')], responses: [200, 207], doc: `${REF}/2026-03/crm/activities/calls/batch/update-calls` },
  { method: 'POST', path: '/crm/v3/objects/:type/batch/upsert', scopes: (p) => [objectScope(p.type ?? '', 'write')], responses: [200, 207], doc: `${REF}/latest/crm/objects/contacts/batch/upsert-contacts` },
  {
    method: 'POST',
    path: '/crm/v4/associations/:type/:toType/batch/read',
    scopes: (p) => [objectScope(p.type ?? '', 'read'), objectScope(p.toType ?? '', 'read')],
    responses: [200, 207],
    doc: `${REF}/latest/crm/associations/v4/batch/read-associations`,
  },
  {
    method: 'GET',
    path: '/crm/v4/objects/:type/:id/associations/:toType',
    scopes: (p) => [objectScope(p.type ?? '', 'read')],
    responses: [200],
    doc: `${REF}/latest/crm/associations/v4/basic/list-associations`,
  },
  { method: 'GET', path: '/calling/v1/dispositions', scopes: () => ['crm.objects.contacts.read'], responses: [200], doc: `${REF}/legacy/crm/activities/calls/guide` },
  { method: 'GET', path: '/crm/v3/properties/:type/groups/:name', scopes: (p) => [schemaScope(p.type ?? '', 'read')], responses: [200], doc: `${REF}/latest/crm/properties/groups/get-group` },
  { method: 'POST', path: '/crm/v3/properties/:type/groups', scopes: (p) => [schemaScope(p.type ?? '', 'write')], responses: [201], doc: `${REF}/latest/crm/properties/groups/create-group` },
  { method: 'GET', path: '/crm/v3/properties/:type/:name', scopes: (p) => [schemaScope(p.type ?? '', 'read')], responses: [200], doc: `${REF}/latest/crm/properties/core/get-property` },
  {
    method: 'POST',
    path: '/crm/v3/properties/:type',
    scopes: (p) => [schemaScope(p.type ?? '', 'write')],
    responses: [201],
    doc: `${REF}/2026-09/crm/properties/core/create-property`,
  },
  { method: 'PATCH', path: '/crm/v3/properties/:type/:name', scopes: (p) => [schemaScope(p.type ?? '', 'write')], responses: [200], doc: `${REF}/latest/crm/properties/core/update-property` },
  {
    method: 'POST',
    path: '/crm/v3/extensions/calling/transcripts',
    scopes: () => ['crm.extensions_calling_transcripts.write'],
    responses: [200],
    doc: `${REF}/latest/crm/extensions/calling/transcripts`,
  },
];

/** The row answering a request, with its path parameters, or null. */
export function rowFor(method: string, path: string): { row: OperationRow; params: Record<string, string> } | null {
  for (const row of operationsTable) {
    if (row.method !== method) continue;
    const want = row.path.split('/');
    const got = path.split('/');
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    const matches = want.every((part, i) => {
      const value = decodeURIComponent(got[i] ?? '');
      if (part.startsWith(':')) {
        params[part.slice(1)] = value;
        return value.length > 0;
      }
      return part === value;
    });
    if (matches) return { row, params };
  }
  return null;
}

/** Every scope some row needs: what a fully granted token holds. */
export function allScopes(): string[] {
  const scopes = new Set<string>();
  for (const row of operationsTable) {
    const params = { type: '', toType: '' };
    for (const type of OBJECT_TYPES) {
      for (const toType of OBJECT_TYPES) for (const scope of row.scopes({ ...params, type, toType })) scopes.add(scope);
    }
  }
  return [...scopes].sort();
}
