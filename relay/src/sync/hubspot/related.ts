// The records a call and its follow-up task are linked to besides the contact: the contact's
// primary company (HubSpot keeps its id on the contact, associatedcompanyid), and, when
// configured, the contact's most recent open deal and open ticket. A batch shares its requests:
// one association read per kind for every contact that has any, then one read of those records.
// Contacts the relay has just created have none yet, so they cost nothing.
import type { HubSpotSyncOptions } from '../../config.ts';
import type { CrmObject, HubSpotApi } from './api.ts';
import type { ResolvedContact } from './contacts.ts';

export type Related = { companyId: string | null; dealId: string | null; ticketId: string | null };

const none: Related = { companyId: null, dealId: null, ticketId: null };

export async function relatedRecords(api: HubSpotApi, contacts: ResolvedContact[], options: HubSpotSyncOptions): Promise<Map<string, Related>> {
  const related = new Map<string, Related>();
  const existing = contacts.filter((c) => !c.created);
  for (const contact of contacts) related.set(contact.id, { ...none, companyId: contact.properties.associatedcompanyid || null });

  if (options.associateOpenDeal) {
    // HubSpot's deal count on the contact spares a request for contacts without deals.
    const withDeals = existing.filter((c) => Number(c.properties.num_associated_deals ?? 0) > 0).map((c) => c.id);
    // Deals: hs_is_closed is HubSpot's own "is closed" property (deals properties reference).
    const newest = await newestOpen(api, 'deals', withDeals, ['hs_is_closed', 'createdate'], (d) => d.properties.hs_is_closed !== 'true');
    for (const [contactId, dealId] of newest) related.set(contactId, { ...(related.get(contactId) ?? none), dealId });
  }
  if (options.associateOpenTicket) {
    // Tickets: HubSpot sets closed_date when a ticket reaches a closed stage (tickets
    // properties reference); it documents no "is closed" flag for tickets, so an empty
    // closed_date is what "open" means here.
    const newest = await newestOpen(api, 'tickets', existing.map((c) => c.id), ['closed_date', 'createdate'], (t) => !t.properties.closed_date);
    for (const [contactId, ticketId] of newest) related.set(contactId, { ...(related.get(contactId) ?? none), ticketId });
  }
  return related;
}

/** Contact id -> its most recently created open deal or ticket. */
async function newestOpen(api: HubSpotApi, type: 'deals' | 'tickets', contactIds: string[], properties: string[], isOpen: (record: CrmObject) => boolean): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (contactIds.length === 0) return out;
  const links = await api.associatedWith(type, contactIds);
  const ids = [...new Set([...links.values()].flat())];
  if (ids.length === 0) return out;
  const records = new Map((await api.readRecords(type, ids, properties)).map((r) => [r.id, r]));
  const created = (r: CrmObject) => Date.parse(r.properties.createdate ?? '') || Number(r.id);
  for (const [contactId, recordIds] of links) {
    const open = recordIds.flatMap((id) => records.get(id) ?? []).filter(isOpen);
    const newest = open.sort((a, b) => created(b) - created(a))[0];
    if (newest) out.set(contactId, newest.id);
  }
  return out;
}
