// HubSpot as a context source. HubSpot runs none of our code, so the relay finds the contact
// itself, the same way its sink does: through its own phone-to-contact mapping (migration 006,
// written by the HubSpot sink; read here, never written), never by search, whose index lags.
// Then one batched read of the contact (through the sink's client, so its rate limiter counts
// it): POST /crm/v3/objects/contacts/batch/read ("CRM API | Contacts", batch read:
// https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/batch/post-crm-v3-objects-contacts-batch-read).
// Only when the agent may hear of an open deal or ticket: the contact's associations
// (GET /crm/v4/objects/contacts/{id}/associations/{toObjectType}, "Associations v4":
// https://developers.hubspot.com/docs/api-reference/crm-associations-v4/basic/get-crm-v4-objects-objectType-objectId-associations-toObjectType)
// and one batched read per object type.
import { Client } from '@hubspot/api-client';
import type { HubSpotApi } from '../sync/hubspot/api.ts';
import type { HubSpotMappingStore } from '../sync/hubspot/mapping.ts';
import type { CrmFacts, CrmSource, CrmWants } from './model.ts';

const name = (p: Record<string, string | null>) => [p.firstname, p.lastname].map((s) => s?.trim()).filter(Boolean).join(' ') || null;

export class HubSpotContextSource implements CrmSource {
  readonly name = 'hubspot' as const;
  private readonly api: HubSpotApi;
  private readonly client: Client;
  private readonly mappings: HubSpotMappingStore;

  constructor(options: { api: HubSpotApi; accessToken: string; basePath?: string; mappings: HubSpotMappingStore }) {
    this.api = options.api;
    this.mappings = options.mappings;
    this.client = new Client({ accessToken: options.accessToken, ...(options.basePath ? { basePath: options.basePath } : {}), numberOfApiCallRetries: 0 });
  }

  async lookup(e164: string, wants: CrmWants): Promise<CrmFacts | null> {
    const contactId = await this.mappings.get('contact-by-phone', e164);
    if (!contactId) return null;
    const [contacts, openDeal, openCase] = await Promise.all([
      this.api.readContacts([contactId], ['firstname', 'lastname']),
      wants.openDeal ? this.openDeal(contactId) : null,
      wants.openCase ? this.openTicket(contactId) : null,
    ]);
    const contact = contacts[0];
    if (!contact) return null;
    // The owner's name needs the owners API and its scope (crm.objects.owners.read), which the
    // app does not request: HubSpot gives no owner here.
    return { name: name(contact.properties), owner: null, openCase, openDeal };
  }

  private async associated(contactId: string, toType: 'deals' | 'tickets'): Promise<string[]> {
    const page = await this.client.crm.associations.v4.basicApi.getPage('contacts', contactId, toType, undefined, 100);
    return page.results.map((r) => String(r.toObjectId));
  }

  private async openDeal(contactId: string): Promise<CrmFacts['openDeal']> {
    const ids = await this.associated(contactId, 'deals');
    if (ids.length === 0) return null;
    const batch = await this.client.crm.deals.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: ['dealname', 'dealstage', 'hs_is_closed'], propertiesWithHistory: [] });
    // hs_is_closed is HubSpot's calculated "deal is closed" property ("Default deal properties":
    // https://knowledge.hubspot.com/properties/hubspots-default-deal-properties). The stage is the
    // pipeline stage's internal id; its label would cost a pipelines request.
    const open = batch.results.filter((d) => d.properties.hs_is_closed !== 'true').sort((a, b) => Number(b.id) - Number(a.id))[0];
    return open ? { name: open.properties.dealname ?? null, stage: open.properties.dealstage ?? null } : null;
  }

  private async openTicket(contactId: string): Promise<CrmFacts['openCase']> {
    const ids = await this.associated(contactId, 'tickets');
    if (ids.length === 0) return null;
    const batch = await this.client.crm.tickets.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: ['subject', 'hs_pipeline_stage', 'closed_date'], propertiesWithHistory: [] });
    // HubSpot sets closed_date when a ticket enters a closed stage ("Default ticket properties":
    // https://knowledge.hubspot.com/properties/hubspots-default-ticket-properties); its docs do not
    // name a documented "is closed" flag for tickets, so an empty close date is taken as open.
    const open = batch.results.filter((t) => !t.properties.closed_date).sort((a, b) => Number(b.id) - Number(a.id))[0];
    return open ? { number: open.id, subject: open.properties.subject ?? null, status: open.properties.hs_pipeline_stage ?? null } : null;
  }
}
