// The relay's door to one HubSpot portal: every request goes through @hubspot/api-client, the
// portal's limiter and the request counters, and every failure comes out as a HubSpotError.
// Only the operations in operations.ts exist here, so the app's scopes can be checked.
import { Client } from '@hubspot/api-client';
import type { Metrics } from '../../metrics.ts';
import { errorFromAnswer, toHubSpotError } from './errors.ts';
import { PortalLimiter } from './limiter.ts';
import { operations, type Operation } from './operations.ts';

export type Properties = Record<string, string>;
export type CrmObject = { id: string; properties: Record<string, string | null> };
export type UpsertResult = CrmObject & { isNew: boolean };
export type Association = { toId: string; typeId: number };
export type CreateInput = { properties: Properties; associations: Association[] };
export type UpsertInput = { idProperty: string; id: string; properties: Properties };
export type SearchFilter = { propertyName: string; operator: 'EQ' | 'IN'; value?: string; values?: string[] };
export type Disposition = { id: string; label: string; deleted: boolean };
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

/** HubSpot's own association type ids (HUBSPOT_DEFINED) for what the relay links. */
export const associationTypes = {
  callToContact: 194,
  taskToContact: 204,
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

export class HubSpotApi {
  readonly limiter: PortalLimiter;
  private readonly client: Client;
  private readonly metrics: Metrics | undefined;
  private count = 0;

  constructor(options: HubSpotApiOptions) {
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

  private async send<T>(operation: Operation, request: () => Promise<T>): Promise<T> {
    await this.limiter.acquire(operations[operation]);
    this.count += 1;
    this.metrics?.crmRequests.inc({ sink: 'hubspot' });
    try {
      return await request();
    } catch (raw) {
      const error = toHubSpotError(raw);
      if (error.isDailyLimit) this.limiter.pauseForDailyLimit(error.retryAfterMs);
      else if (error.status === 429) this.limiter.pause(error.retryAfterMs ?? (operations[operation].search ? 1_000 : 10_000), `rate limited (${error.policyName ?? 'unknown policy'})`);
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

  async searchContacts(filterGroups: { filters: SearchFilter[] }[], properties: string[], limit = 20): Promise<CrmObject[]> {
    const page = await this.send('searchContacts', () =>
      this.client.crm.contacts.searchApi.doSearch({ filterGroups: filterGroups as never, properties, limit, after: undefined as never, sorts: [] }),
    );
    return page.results.map(plain);
  }

  async readContacts(ids: string[], properties: string[]): Promise<CrmObject[]> {
    const results: CrmObject[] = [];
    for (const part of chunks(ids)) {
      const batch = await this.send('readContacts', () =>
        this.client.crm.contacts.batchApi.read({ inputs: part.map((id) => ({ id })), properties, propertiesWithHistory: [] }),
      );
      results.push(...batch.results.map(plain));
    }
    return results;
  }

  async upsertContacts(inputs: UpsertInput[]): Promise<UpsertResult[]> {
    const results: UpsertResult[] = [];
    for (const part of chunks(inputs)) {
      const batch = await this.send('upsertContacts', () => this.client.crm.contacts.batchApi.upsert({ inputs: part }));
      results.push(...batch.results.map((r) => ({ ...plain(r), isNew: r._new })));
    }
    return results;
  }

  async updateContacts(inputs: { id: string; properties: Properties }[]): Promise<void> {
    for (const part of chunks(inputs)) {
      await this.send('updateContacts', () => this.client.crm.contacts.batchApi.update({ inputs: part }));
    }
  }

  /** Creates engagements with their associations in one request (all or nothing). */
  async createEngagements(type: EngagementType, inputs: CreateInput[]): Promise<CrmObject[]> {
    const results: CrmObject[] = [];
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
      results.push(...batch.results.map(plain));
    }
    return results;
  }

  async upsertEngagements(type: EngagementType, inputs: UpsertInput[]): Promise<UpsertResult[]> {
    const results: UpsertResult[] = [];
    for (const part of chunks(inputs)) {
      const batch =
        type === 'calls'
          ? await this.send('upsertCalls', () => this.client.crm.objects.calls.batchApi.upsert({ inputs: part }))
          : await this.send('upsertTasks', () => this.client.crm.objects.tasks.batchApi.upsert({ inputs: part }));
      results.push(...batch.results.map((r) => ({ ...plain(r), isNew: r._new })));
    }
    return results;
  }

  async readCalls(ids: string[], properties: string[]): Promise<CrmObject[]> {
    const results: CrmObject[] = [];
    for (const part of chunks(ids)) {
      const batch = await this.send('readCalls', () =>
        this.client.crm.objects.calls.batchApi.read({ inputs: part.map((id) => ({ id })), properties, propertiesWithHistory: [] }),
      );
      results.push(...batch.results.map(plain));
    }
    return results;
  }

  /** Links pairs with HubSpot's default association; linking an existing pair changes nothing. */
  async associateDefault(from: EngagementType, to: 'contacts', pairs: { fromId: string; toId: string }[]): Promise<void> {
    for (const part of chunks(pairs)) {
      await this.send('associateDefault', () =>
        this.client.crm.associations.v4.batchApi.createDefault(from, to, {
          inputs: part.map((p) => ({ _from: { id: p.fromId }, to: { id: p.toId } })),
        }),
      );
    }
  }

  /** Ids of the calls associated with a record (first 100, newest HubSpot pages first). */
  async callIdsOf(objectType: CardObjectType, objectId: string): Promise<string[]> {
    const operation: Operation =
      objectType === 'contacts' ? 'readContactCallAssociations' : objectType === 'deals' ? 'readDealCallAssociations' : 'readTicketCallAssociations';
    const page = await this.send(operation, () => this.client.crm.associations.v4.basicApi.getPage(objectType, objectId, 'calls', undefined, 100));
    return page.results.map((r) => String(r.toObjectId));
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
  async property(objectType: string, name: string): Promise<{ name: string; options: { value: string; label: string }[] } | null> {
    try {
      const property = await this.send('readProperty', () => this.client.crm.properties.coreApi.getByName(objectType, name));
      return { name: property.name, options: property.options.map((o) => ({ value: o.value, label: o.label })) };
    } catch (error) {
      if (toHubSpotError(error).status === 404) return null;
      throw error;
    }
  }

  async createProperty(objectType: string, definition: PropertyDefinition): Promise<void> {
    await this.send('createProperty', () => this.client.crm.properties.coreApi.create(objectType, definition as never));
  }

  async updatePropertyOptions(objectType: string, name: string, options: NonNullable<PropertyDefinition['options']>): Promise<void> {
    await this.send('updateProperty', () => this.client.crm.properties.coreApi.update(objectType, name, { options } as never));
  }

  async hasPropertyGroup(objectType: string, name: string): Promise<boolean> {
    try {
      await this.send('readPropertyGroup', () => this.client.crm.properties.groupsApi.getByName(objectType, name));
      return true;
    } catch (error) {
      if (toHubSpotError(error).status === 404) return false;
      throw error;
    }
  }

  async createPropertyGroup(objectType: string, group: { name: string; label: string; displayOrder: number }): Promise<void> {
    await this.send('createPropertyGroup', () => this.client.crm.properties.groupsApi.create(objectType, group));
  }
}

function plain(object: { id: string; properties: Record<string, string | null> }): CrmObject {
  return { id: object.id, properties: object.properties ?? {} };
}
