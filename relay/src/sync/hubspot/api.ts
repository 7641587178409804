// The relay's door to one HubSpot portal: every request goes through @hubspot/api-client, the
// portal's limiter and the request counters, and every failure comes out as a HubSpotError.
// Only the operations in operations.ts exist here, so the app's scopes can be checked.
// Batch writes answer 207 Multi-Status with an `errors` list for the inputs that failed, and the
// client returns that without throwing: every batch method here returns what succeeded and the
// errors, and the caller decides per item (HubSpot does not promise results in input order,
// nor say which input an error belongs to, so callers match results by a property they sent).
import { Client } from '@hubspot/api-client';
import type { Metrics } from '../../metrics.ts';
import { errorFromAnswer, scrub, toHubSpotError } from './errors.ts';
import { PortalLimiter } from './limiter.ts';
import { operations, readProperty, writeProperty, type Operation, type OperationSpec, type SchemaObjectType } from './operations.ts';

export type Properties = Record<string, string>;
export type CrmObject = { id: string; properties: Record<string, string | null> };
export type Association = { toId: string; typeId: number };
export type CreateInput = { properties: Properties; associations: Association[] };
export type SearchFilter = { propertyName: string; operator: 'EQ' | 'IN'; value?: string; values?: string[] };
export type Disposition = { id: string; label: string; deleted: boolean };
/** What a batch did: the records written and one message per input HubSpot refused. */
export type BatchResult = { results: CrmObject[]; errors: string[] };
export type PropertyDefinition = {
  name: string;
  label: string;
  type: 'string' | 'number' | 'enumeration' | 'datetime';
  fieldType: 'text' | 'textarea' | 'number' | 'select' | 'date';
  groupName: string;
  description: string;
  hasUniqueValue?: boolean;
  options?: { label: string; value: string; displayOrder: number }[];
};
export type TranscriptUtterance = {
  speaker: { id: string; name: string };
  text: string;
  startTimeMillis: number;
  endTimeMillis: number;
};
export type TokenInfo = { kind: 'static' | 'oauth'; scopes: string[]; hubId: number | null };

/**
 * HubSpot's own association type ids (HUBSPOT_DEFINED; associations v4 guide, "association
 * type id values") for what the relay links.
 */
export const associationTypes = {
  calls: { contacts: 194, companies: 182, deals: 206, tickets: 220 },
  tasks: { contacts: 204, companies: 192, deals: 216, tickets: 230 },
} as const;

export type EngagementType = 'calls' | 'tasks';
export type CardObjectType = 'contacts' | 'deals' | 'tickets';

export type HubSpotApiOptions = {
  accessToken: string;
  /** Tests point this at a local server; production leaves it unset. */
  basePath?: string;
  limiter?: PortalLimiter;
  metrics?: Metrics;
};

/** HubSpot's batch endpoints take at most 100 inputs; the outbox may hand over 200. */
export const BATCH_LIMIT = 100;

function chunks<T>(list: T[], size = BATCH_LIMIT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const hubspotDefined = (typeId: number) =>
  [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] as never;

type WithErrors = { results: { id: string; properties: Record<string, string | null> }[]; errors?: { message: string }[] };

function batchResult(batch: WithErrors): BatchResult {
  return { results: batch.results.map(plain), errors: (batch.errors ?? []).map((e) => scrub(e.message)) };
}

export class HubSpotApi {
  readonly limiter: PortalLimiter;
  private readonly client: Client;
  private readonly accessToken: string;
  private readonly metrics: Metrics | undefined;
  private count = 0;

  constructor(options: HubSpotApiOptions) {
    this.accessToken = options.accessToken;
    this.client = new Client({
      accessToken: options.accessToken,
      ...(options.basePath ? { basePath: options.basePath } : {}),
      // Retries belong to the limiter and the outbox, which know about pauses and backoff.
      numberOfApiCallRetries: 0,
    });
    this.limiter = options.limiter ?? new PortalLimiter();
    this.metrics = options.metrics;
  }

  /** HTTP requests sent so far (including ones HubSpot refused). */
  get requestCount(): number {
    return this.count;
  }

  private async send<T>(operation: Operation, request: () => Promise<T>, budget?: { maxWaitMs: number }): Promise<T> {
    const spec: OperationSpec = operations[operation];
    await this.limiter.acquire(spec, budget);
    this.count += 1;
    this.metrics?.crmRequests.inc({ sink: 'hubspot' });
    try {
      return await request();
    } catch (raw) {
      const error = toHubSpotError(raw);
      if (error.isDailyLimit) this.limiter.pauseForDailyLimit(error.retryAfterMs);
      else if (error.status === 429) this.limiter.pause(error.retryAfterMs ?? (spec.search ? 1_000 : 10_000), `rate limited (${error.policyName ?? 'unknown policy'})`);
      throw error;
    }
  }

  /** For the endpoints the generated client lacks; non-2xx answers become HubSpotErrors. */
  private async raw<T>(operation: Operation, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return this.send(operation, async () => {
      const response = await this.client.apiRequest({ method, path, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      if (!response.ok) throw errorFromAnswer(response.status, text, response.headers);
      return (text ? JSON.parse(text) : null) as T;
    });
  }

  /**
   * What this token may do. Static tokens (private apps and static-auth apps) are described by
   * the private-app token endpoint, OAuth tokens by the OAuth token endpoint; the relay does not
   * know which it holds, so it asks the first and falls back to the second.
   */
  async tokenInfo(): Promise<TokenInfo> {
    try {
      const info = await this.raw<{ scopes: string[]; hubId: number }>('tokenInfoStatic', 'POST', '/oauth/v2/private-apps/get/access-token-info', { tokenKey: this.accessToken });
      return { kind: 'static', scopes: info.scopes, hubId: info.hubId ?? null };
    } catch (error) {
      // Not a private-app token: HubSpot does not document which 4xx it answers then.
      const status = toHubSpotError(error).status;
      if (status < 400 || status >= 500 || status === 429) throw error;
    }
    const info = await this.send('tokenInfoOAuth', () => this.client.oauth.accessTokensApi.get(this.accessToken));
    return { kind: 'oauth', scopes: info.scopes, hubId: info.hubId ?? null };
  }

  async searchContacts(filterGroups: { filters: SearchFilter[] }[], properties: string[], limit = 20): Promise<CrmObject[]> {
    const page = await this.send('searchContacts', () =>
      this.client.crm.contacts.searchApi.doSearch({ filterGroups: filterGroups as never, properties, limit, after: undefined as never, sorts: [] }),
    );
    return page.results.map(plain);
  }

  /** Calls or tasks carrying these relay call ids (a plain searchable property). */
  async searchByCallId(type: EngagementType, property: string, callIds: string[]): Promise<CrmObject[]> {
    const results: CrmObject[] = [];
    for (const part of chunks(callIds)) {
      const request = {
        filterGroups: [{ filters: [{ propertyName: property, operator: 'IN', values: part }] }] as never,
        properties: [property],
        limit: 200,
        after: undefined as never,
        sorts: [],
      };
      const page =
        type === 'calls'
          ? await this.send('searchCalls', () => this.client.crm.objects.calls.searchApi.doSearch(request))
          : await this.send('searchTasks', () => this.client.crm.objects.tasks.searchApi.doSearch(request));
      results.push(...page.results.map(plain));
    }
    return results;
  }

  /** Records by id (or by a unique property); records that do not exist are left out. */
  async readContacts(ids: string[], properties: string[], idProperty?: string): Promise<CrmObject[]> {
    const results: CrmObject[] = [];
    for (const part of chunks(ids)) {
      const batch = await this.send('readContacts', () =>
        this.client.crm.contacts.batchApi.read({ inputs: part.map((id) => ({ id })), properties, propertiesWithHistory: [], ...(idProperty ? { idProperty } : {}) }),
      );
      results.push(...batch.results.map(plain));
    }
    return results;
  }

  async createContacts(inputs: { properties: Properties }[]): Promise<BatchResult> {
    const out: BatchResult = { results: [], errors: [] };
    for (const part of chunks(inputs)) {
      const batch = await this.send('createContacts', () => this.client.crm.contacts.batchApi.create({ inputs: part.map((p) => ({ properties: p.properties, associations: [] })) }));
      merge(out, batchResult(batch));
    }
    return out;
  }

  async updateContacts(inputs: { id: string; properties: Properties }[]): Promise<BatchResult> {
    const out: BatchResult = { results: [], errors: [] };
    for (const part of chunks(inputs)) {
      merge(out, batchResult(await this.send('updateContacts', () => this.client.crm.contacts.batchApi.update({ inputs: part }))));
    }
    return out;
  }

  /** Creates engagements with their associations in one request each (per input: all or nothing). */
  async createEngagements(type: EngagementType, inputs: CreateInput[]): Promise<BatchResult> {
    const out: BatchResult = { results: [], errors: [] };
    for (const part of chunks(inputs)) {
      const body = {
        inputs: part.map((input) => ({
          properties: input.properties,
          associations: input.associations.map((a) => ({ to: { id: a.toId }, types: hubspotDefined(a.typeId) })),
        })),
      };
      const batch =
        type === 'calls'
          ? await this.send('createCalls', () => this.client.crm.objects.calls.batchApi.create(body))
          : await this.send('createTasks', () => this.client.crm.objects.tasks.batchApi.create(body));
      merge(out, batchResult(batch));
    }
    return out;
  }

  async updateCalls(inputs: { id: string; properties: Properties }[]): Promise<BatchResult> {
    const out: BatchResult = { results: [], errors: [] };
    for (const part of chunks(inputs)) {
      merge(out, batchResult(await this.send('updateCalls', () => this.client.crm.objects.calls.batchApi.update({ inputs: part }))));
    }
    return out;
  }

  async readCalls(ids: string[], properties: string[], budget?: { maxWaitMs: number }): Promise<CrmObject[]> {
    const results: CrmObject[] = [];
    for (const part of chunks(ids)) {
      const batch = await this.send(
        'readCalls',
        () => this.client.crm.objects.calls.batchApi.read({ inputs: part.map((id) => ({ id })), properties, propertiesWithHistory: [] }),
        budget,
      );
      results.push(...batch.results.map(plain));
    }
    return results;
  }

  async readRecords(type: 'deals' | 'tickets', ids: string[], properties: string[]): Promise<CrmObject[]> {
    const results: CrmObject[] = [];
    for (const part of chunks(ids)) {
      const request = { inputs: part.map((id) => ({ id })), properties, propertiesWithHistory: [] };
      const batch =
        type === 'deals'
          ? await this.send('readDeals', () => this.client.crm.deals.batchApi.read(request))
          : await this.send('readTickets', () => this.client.crm.tickets.batchApi.read(request));
      results.push(...batch.results.map(plain));
    }
    return results;
  }

  /**
   * Contact id -> ids of its deals or tickets, in one request per 100 contacts. Contacts with
   * none come back as errors of a 207, which here simply means "none".
   */
  async associatedWith(to: 'deals' | 'tickets', contactIds: string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    for (const part of chunks(contactIds)) {
      const batch = await this.send(to === 'deals' ? 'readContactDeals' : 'readContactTickets', () =>
        this.client.crm.associations.v4.batchApi.getPage('contacts', to, { inputs: part.map((id) => ({ id })) }),
      );
      for (const result of batch.results) found.set(result._from.id, result.to.map((t) => String(t.toObjectId)));
    }
    return found;
  }

  /**
   * Ids of every call associated with a record, newest first. HubSpot does not document the
   * order of association pages, so all pages are read and sorted by id: record ids grow with
   * creation time in HubSpot.
   */
  async callIdsOf(objectType: CardObjectType, objectId: string, budget?: { maxWaitMs: number }): Promise<string[]> {
    const operation: Operation =
      objectType === 'contacts' ? 'readContactCallAssociations' : objectType === 'deals' ? 'readDealCallAssociations' : 'readTicketCallAssociations';
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const page = await this.send(operation, () => this.client.crm.associations.v4.basicApi.getPage(objectType, objectId, 'calls', after, 500), budget);
      ids.push(...page.results.map((r) => String(r.toObjectId)));
      after = page.paging?.next?.after;
    } while (after);
    return ids.sort((a, b) => Number(b) - Number(a));
  }

  async dispositions(): Promise<Disposition[]> {
    return this.raw<Disposition[]>('listDispositions', 'GET', '/calling/v1/dispositions');
  }

  async createTranscript(engagementId: string, utterances: TranscriptUtterance[]): Promise<{ id: string }> {
    return this.raw<{ id: string }>('createTranscript', 'POST', '/crm/v3/extensions/calling/transcripts', {
      engagementId: Number(engagementId),
      transcriptCreateUtterances: utterances,
    });
  }

  /** Null when the property does not exist. */
  async property(objectType: SchemaObjectType, name: string): Promise<{ name: string; options: { value: string; label: string }[] } | null> {
    try {
      const property = await this.send(readProperty(objectType), () => this.client.crm.properties.coreApi.getByName(objectType, name));
      return { name: property.name, options: property.options.map((o) => ({ value: o.value, label: o.label })) };
    } catch (error) {
      if (toHubSpotError(error).status === 404) return null;
      throw error;
    }
  }

  async createProperty(objectType: SchemaObjectType, definition: PropertyDefinition): Promise<void> {
    await this.send(writeProperty(objectType), () => this.client.crm.properties.coreApi.create(objectType, definition as never));
  }

  async updatePropertyOptions(objectType: SchemaObjectType, name: string, options: NonNullable<PropertyDefinition['options']>): Promise<void> {
    await this.send(writeProperty(objectType), () => this.client.crm.properties.coreApi.update(objectType, name, { options } as never));
  }

  async hasPropertyGroup(objectType: SchemaObjectType, name: string): Promise<boolean> {
    try {
      await this.send(readProperty(objectType), () => this.client.crm.properties.groupsApi.getByName(objectType, name));
      return true;
    } catch (error) {
      if (toHubSpotError(error).status === 404) return false;
      throw error;
    }
  }

  async createPropertyGroup(objectType: SchemaObjectType, group: { name: string; label: string; displayOrder: number }): Promise<void> {
    await this.send(writeProperty(objectType), () => this.client.crm.properties.groupsApi.create(objectType, group));
  }
}

function merge(into: BatchResult, from: BatchResult): void {
  into.results.push(...from.results);
  into.errors.push(...from.errors);
}

function plain(object: { id: string; properties: Record<string, string | null> }): CrmObject {
  return { id: object.id, properties: object.properties ?? {} };
}
