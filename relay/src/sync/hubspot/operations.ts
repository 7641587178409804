// Every HubSpot API operation the relay performs, with the app scope it needs. The sink can
// only make requests through one of these names, and a test checks that the app's scopes in
// hubspot-project/src/app/app-hsmeta.json cover this list and ask for nothing beyond it.
export const operations = {
  searchContacts: { scope: 'crm.objects.contacts.read', search: true },
  readContacts: { scope: 'crm.objects.contacts.read', search: false },
  upsertContacts: { scope: 'crm.objects.contacts.write', search: false },
  updateContacts: { scope: 'crm.objects.contacts.write', search: false },
  // Calls and tasks are engagements; HubSpot grants them with the contacts scopes.
  createCalls: { scope: 'crm.objects.contacts.write', search: false },
  upsertCalls: { scope: 'crm.objects.contacts.write', search: false },
  readCalls: { scope: 'crm.objects.contacts.read', search: false },
  createTasks: { scope: 'crm.objects.contacts.write', search: false },
  upsertTasks: { scope: 'crm.objects.contacts.write', search: false },
  associateDefault: { scope: 'crm.objects.contacts.write', search: false },
  readContactCallAssociations: { scope: 'crm.objects.contacts.read', search: false },
  readDealCallAssociations: { scope: 'crm.objects.deals.read', search: false },
  readTicketCallAssociations: { scope: 'tickets', search: false },
  listDispositions: { scope: 'crm.objects.contacts.read', search: false },
  readProperty: { scope: 'crm.schemas.contacts.read', search: false },
  createProperty: { scope: 'crm.schemas.contacts.write', search: false },
  updateProperty: { scope: 'crm.schemas.contacts.write', search: false },
  readPropertyGroup: { scope: 'crm.schemas.contacts.read', search: false },
  createPropertyGroup: { scope: 'crm.schemas.contacts.write', search: false },
  // Only when a policy sends the full transcript, so the app asks for it as an optional scope.
  createTranscript: { scope: 'crm.extensions_calling_transcripts.write', search: false, optional: true },
} as const satisfies Record<string, { scope: string; search: boolean; optional?: boolean }>;

export type Operation = keyof typeof operations;

/** Scopes the app must request up front, and those it may request as optional. */
export function scopesUsed(): { required: string[]; optional: string[] } {
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const operation of Object.values(operations)) {
    if ('optional' in operation && operation.optional) optional.add(operation.scope);
    else required.add(operation.scope);
  }
  return { required: [...required].sort(), optional: [...optional].filter((s) => !required.has(s)).sort() };
}
