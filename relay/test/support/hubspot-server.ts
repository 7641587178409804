// A local HubSpot that implements the documented contracts the relay uses, with its own
// in-memory CRM so tests can assert what ended up in it:
// - CRM objects v3: single create, batch create (inline associations), batch read, batch
//   update, batch upsert by idProperty, search (filter groups OR'ed, filters AND'ed; EQ, IN);
// - unique properties: email on contacts and any property created with hasUniqueValue; a
//   create that repeats a unique value is refused with 409 CONFLICT;
// - associations v4: batch default associations and a record's associations;
// - properties v3 and property groups; writing an unknown custom property is a 400;
// - GET /calling/v1/dispositions with HubSpot's default outcomes and their GUIDs;
// - POST /crm/v3/extensions/calling/transcripts;
// - Bearer token authentication; a rolling 10-second request limit answered with 429 and
//   policyName TEN_SECONDLY_ROLLING; injected faults (429 with Retry-After and any policyName,
//   5xx) for the next matching requests; and a search index that lags writes.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export type CrmRecord = { id: string; properties: Record<string, string>; createdAt: string; updatedAt: string; createdAtMs: number };

export type Fault = {
  status: number;
  /** For 429s: TEN_SECONDLY_ROLLING, SECONDLY, DAILY. */
  policyName?: string;
  retryAfterSeconds?: number;
  /** Only requests whose path contains this are affected; all when absent. */
  pathIncludes?: string;
};

export type PropertyDef = {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description?: string;
  hasUniqueValue?: boolean;
  options?: { label: string; value: string; displayOrder?: number; hidden?: boolean }[];
};

type Assoc = { fromType: string; fromId: string; toType: string; toId: string; typeId: number };

/** HubSpot's default call outcomes (the GUIDs every portal starts with). */
export const defaultDispositions = [
  { id: '9d9162e7-6cf3-4944-bf63-4dff82258764', label: 'Busy', deleted: false },
  { id: 'f240bbac-87c9-4f6e-bf70-924b57d47db7', label: 'Connected', deleted: false },
  { id: 'a4c4c377-d246-4b32-a13b-75a56a4cd0ff', label: 'Left live message', deleted: false },
  { id: 'b2cf5968-551e-4856-9783-52b3da59a7d0', label: 'Left voicemail', deleted: false },
  { id: '73a0d17f-1163-4015-bdd5-ec830791da20', label: 'No answer', deleted: false },
  { id: '17b47fee-58de-441e-a44c-c6300d46f273', label: 'Wrong number', deleted: false },
];

const OBJECT_TYPES = ['contacts', 'calls', 'tasks', 'deals', 'tickets'] as const;
const SINGULAR: Record<string, string> = { contacts: 'contact', calls: 'call', tasks: 'task', deals: 'deal', tickets: 'ticket' };
/** Default association type ids for the pairs the relay uses, both directions. */
const DEFAULT_ASSOCIATION: Record<string, number> = {
  'calls->contacts': 194,
  'contacts->calls': 193,
  'tasks->contacts': 204,
  'contacts->tasks': 203,
  'calls->deals': 206,
  'deals->calls': 205,
  'calls->tickets': 220,
  'tickets->calls': 219,
  // Contact to deal and ticket, for caller context ("Associations v4", association type id
  // values: https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide#association-type-id-values).
  'contacts->deals': 4,
  'deals->contacts': 3,
  'contacts->tickets': 15,
  'tickets->contacts': 16,
};

/** Properties HubSpot has out of the box; only custom (ai_) ones must be created first. */
const isCustom = (name: string) => name.startsWith('ai_call_');

export type HubSpotServerOptions = {
  accessToken?: string;
  /** Requests allowed per rolling 10 seconds before 429 TEN_SECONDLY_ROLLING. */
  tenSecondLimit?: number;
  /** New records stay invisible to search this long, as HubSpot's index lags writes. */
  searchLagMs?: number;
};

export class HubSpotServer {
  readonly accessToken: string;
  readonly objects = new Map<string, Map<string, CrmRecord>>(OBJECT_TYPES.map((t) => [t, new Map()]));
  readonly associations: Assoc[] = [];
  readonly properties = new Map<string, Map<string, PropertyDef>>(OBJECT_TYPES.map((t) => [t, new Map()]));
  readonly groups = new Map<string, Set<string>>(OBJECT_TYPES.map((t) => [t, new Set()]));
  readonly transcripts: { id: string; engagementId: number; utterances: unknown[] }[] = [];
  dispositions = defaultDispositions.map((d) => ({ ...d }));
  /** Every request received, in order (method and path), including refused ones. */
  readonly requests: { method: string; path: string; status: number; at: number }[] = [];
  tenSecondLimit: number;
  searchLagMs: number;
  private readonly faults: Fault[] = [];
  private nextId = 1001;
  private server: Server | null = null;
  url = '';

  constructor(options: HubSpotServerOptions = {}) {
    this.accessToken = options.accessToken ?? 'pat-test-token';
    this.tenSecondLimit = options.tenSecondLimit ?? Number.POSITIVE_INFINITY;
    this.searchLagMs = options.searchLagMs ?? 0;
    this.properties.get('contacts')?.set('email', { name: 'email', label: 'Email', type: 'string', fieldType: 'text', groupName: 'contactinformation', hasUniqueValue: true });
  }

  /** The next `count` matching requests fail with this fault. */
  fail(fault: Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  all(type: string): CrmRecord[] {
    return [...(this.objects.get(type)?.values() ?? [])];
  }

  associated(fromType: string, fromId: string, toType: string): string[] {
    return this.associations.filter((a) => a.fromType === fromType && a.fromId === fromId && a.toType === toType).map((a) => a.toId);
  }

  /** Seeds a record as if someone had created it in HubSpot earlier (visible to search). */
  seed(type: string, properties: Record<string, string>): CrmRecord {
    const record = this.insert(type, properties);
    record.createdAtMs = 0;
    return record;
  }

  /** Requests per rolling 10 seconds at their busiest. */
  peakPerTenSeconds(): number {
    let peak = 0;
    let start = 0;
    const times = this.requests.map((r) => r.at);
    for (let end = 0; end < times.length; end++) {
      while ((times[end] ?? 0) - (times[start] ?? 0) >= 10_000) start++;
      peak = Math.max(peak, end - start + 1);
    }
    return peak;
  }

  async start(): Promise<this> {
    const app = express();
    app.use(express.json({ limit: '5mb' }));
    app.use((req, res, next) => this.gate(req, res, next));
    this.routes(app);
    app.use((req: Request, res: Response) => this.error(res, 404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${req.path}`));
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private gate(req: Request, res: Response, next: () => void): void {
    if (req.path.includes('/batch/') && Array.isArray(req.body?.inputs) && req.body.inputs.length > 100) {
      this.error(res, 400, 'VALIDATION_ERROR', 'Batch input limit is 100');
      return;
    }
    const entry = { method: req.method, path: req.path, status: 200, at: Date.now() };
    this.requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    if (req.get('authorization') !== `Bearer ${this.accessToken}`) {
      this.error(res, 401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.');
      return;
    }
    const faultIndex = this.faults.findIndex((f) => !f.pathIncludes || req.path.includes(f.pathIncludes));
    if (faultIndex !== -1) {
      const [fault] = this.faults.splice(faultIndex, 1);
      if (fault) return this.applyFault(res, fault);
    }
    const recent = this.requests.filter((r) => entry.at - r.at < 10_000).length;
    if (recent > this.tenSecondLimit) {
      return this.applyFault(res, { status: 429, policyName: 'TEN_SECONDLY_ROLLING' });
    }
    next();
  }

  private applyFault(res: Response, fault: Fault): void {
    if (fault.retryAfterSeconds !== undefined) res.set('Retry-After', String(fault.retryAfterSeconds));
    if (fault.status === 429) {
      res.status(429).json({
        status: 'error',
        message: `You have reached your ${(fault.policyName ?? 'TEN_SECONDLY_ROLLING').toLowerCase()} limit.`,
        errorType: 'RATE_LIMIT',
        correlationId: randomUUID(),
        policyName: fault.policyName ?? 'TEN_SECONDLY_ROLLING',
      });
      return;
    }
    this.error(res, fault.status, 'INTERNAL_ERROR', 'Internal error');
  }

  private error(res: Response, status: number, category: string, message: string): void {
    res.status(status).json({ status: 'error', message, correlationId: randomUUID(), category });
  }

  private now(): string {
    return new Date().toISOString();
  }

  private insert(type: string, properties: Record<string, string>): CrmRecord {
    const id = String(this.nextId++);
    const at = this.now();
    const record: CrmRecord = { id, properties: { ...properties, hs_object_id: id }, createdAt: at, updatedAt: at, createdAtMs: Date.now() };
    this.computeSearchable(type, record);
    this.objects.get(type)?.set(id, record);
    return record;
  }

  private computeSearchable(type: string, record: CrmRecord): void {
    if (type !== 'contacts') return;
    const national = (raw: string | undefined) => {
      if (!raw) return undefined;
      const parsed = parsePhoneNumberFromString(raw, 'US');
      return parsed ? String(parsed.nationalNumber) : raw.replace(/\D/g, '');
    };
    const phone = national(record.properties.phone);
    const mobile = national(record.properties.mobilephone);
    if (phone) record.properties.hs_searchable_calculated_phone_number = phone;
    if (mobile) record.properties.hs_searchable_calculated_mobile_number = mobile;
  }

  private view(record: CrmRecord, wanted?: string[]) {
    const properties = wanted && wanted.length > 0 ? Object.fromEntries(wanted.map((p) => [p, record.properties[p] ?? null])) : { ...record.properties };
    return { id: record.id, properties: { ...properties, hs_object_id: record.id }, createdAt: record.createdAt, updatedAt: record.updatedAt, archived: false };
  }

  /** Why these properties cannot be written, or null. */
  private invalid(type: string, properties: Record<string, unknown>): string | null {
    for (const [name, value] of Object.entries(properties)) {
      if (typeof value !== 'string') return `Property values must be strings: ${name}`;
      const def = this.properties.get(type)?.get(name);
      if (isCustom(name) && !def) return `Property "${name}" does not exist`;
      if (def?.type === 'enumeration' && value !== '' && !def.options?.some((o) => o.value === value)) {
        return `${value} was not one of the allowed options for ${name}`;
      }
      if (def?.type === 'number' && value !== '' && Number.isNaN(Number(value))) return `${name} must be a number`;
    }
    return null;
  }

  private uniqueNames(type: string): string[] {
    return [...(this.properties.get(type)?.values() ?? [])].filter((p) => p.hasUniqueValue).map((p) => p.name);
  }

  private findBy(type: string, property: string, value: string): CrmRecord | undefined {
    if (property === 'hs_object_id') return this.objects.get(type)?.get(value);
    const compare = property === 'email' ? (v: string | undefined) => v?.toLowerCase() === value.toLowerCase() : (v: string | undefined) => v === value;
    return this.all(type).find((r) => compare(r.properties[property]));
  }

  /** A unique value already held by another record, or null. */
  private conflict(type: string, properties: Record<string, string>, selfId?: string): string | null {
    for (const name of this.uniqueNames(type)) {
      const value = properties[name];
      if (!value) continue;
      const holder = this.findBy(type, name, value);
      if (holder && holder.id !== selfId) return `A ${SINGULAR[type]} with ${name} "${value}" already exists. Existing ID: ${holder.id}`;
    }
    return null;
  }

  private associate(fromType: string, fromId: string, toType: string, toId: string, typeId: number): void {
    const exists = (a: Assoc) => a.fromType === fromType && a.fromId === fromId && a.toType === toType && a.toId === toId;
    if (this.associations.some(exists)) return;
    this.associations.push({ fromType, fromId, toType, toId, typeId });
    const back = DEFAULT_ASSOCIATION[`${toType}->${fromType}`] ?? typeId;
    this.associations.push({ fromType: toType, fromId: toId, toType: fromType, toId: fromId, typeId: back });
  }

  private batch(results: unknown[]) {
    const at = this.now();
    return { status: 'COMPLETE', results, startedAt: at, completedAt: at };
  }

  private routes(app: express.Express): void {
    const objectType = (req: Request, res: Response): string | null => {
      const type = String(req.params.type);
      if (!this.objects.has(type)) {
        this.error(res, 400, 'VALIDATION_ERROR', `Unknown object type ${type}`);
        return null;
      }
      return type;
    };

    app.post('/crm/v3/objects/:type/search', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const groups = (req.body.filterGroups ?? []) as { filters: { propertyName: string; operator: string; value?: string; values?: string[] }[] }[];
      if (groups.length > 5) return this.error(res, 400, 'VALIDATION_ERROR', 'Too many filter groups (max 5)');
      const visible = this.all(type).filter((r) => Date.now() - r.createdAtMs >= this.searchLagMs);
      const matches = (r: CrmRecord, f: { propertyName: string; operator: string; value?: string; values?: string[] }) => {
        const v = r.properties[f.propertyName];
        const norm = (x: string | undefined) => (f.propertyName === 'email' ? x?.toLowerCase() : x);
        if (f.operator === 'EQ') return v !== undefined && norm(v) === norm(f.value);
        if (f.operator === 'IN') return v !== undefined && (f.values ?? []).some((x) => norm(x) === norm(v));
        if (f.operator === 'HAS_PROPERTY') return v !== undefined && v !== '';
        return false;
      };
      const found = groups.length === 0 ? visible : visible.filter((r) => groups.some((g) => g.filters.every((f) => matches(r, f))));
      const limit = Number(req.body.limit ?? 10);
      res.json({ total: found.length, results: found.slice(0, limit).map((r) => this.view(r, req.body.properties)) });
    });

    app.post('/crm/v3/objects/:type/batch/read', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const idProperty = req.body.idProperty ?? 'hs_object_id';
      const results = (req.body.inputs as { id: string }[]).flatMap((input) => {
        const record = this.findBy(type, idProperty, input.id);
        return record ? [this.view(record, req.body.properties)] : [];
      });
      const missing = (req.body.inputs as { id: string }[]).length - results.length;
      if (missing > 0) {
        res.status(207).json({ ...this.batch(results), numErrors: 1, errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some records' }] });
        return;
      }
      res.json(this.batch(results));
    });

    const create = (type: string, inputs: { properties: Record<string, string>; associations?: { to: { id: string }; types: { associationTypeId: number }[] }[] }[], res: Response) => {
      for (const input of inputs) {
        const invalid = this.invalid(type, input.properties ?? {});
        if (invalid) return this.error(res, 400, 'VALIDATION_ERROR', invalid);
      }
      const seen = new Map<string, string>();
      for (const input of inputs) {
        const conflict = this.conflict(type, input.properties);
        if (conflict) return this.error(res, 409, 'CONFLICT', conflict);
        for (const name of this.uniqueNames(type)) {
          const value = input.properties[name];
          if (!value) continue;
          if (seen.get(name) === value) return this.error(res, 409, 'CONFLICT', `Duplicate ${name} in batch`);
          seen.set(name, value);
        }
        for (const association of input.associations ?? []) {
          const target = this.targetOf(type, association);
          if (!target) return this.error(res, 400, 'VALIDATION_ERROR', `Association to unknown record ${association.to.id}`);
        }
      }
      return inputs.map((input) => {
        const record = this.insert(type, input.properties);
        for (const association of input.associations ?? []) {
          const target = this.targetOf(type, association);
          if (target) this.associate(type, record.id, target, association.to.id, association.types[0]?.associationTypeId ?? 0);
        }
        return this.view(record);
      });
    };

    app.post('/crm/v3/objects/:type/batch/create', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const results = create(type, req.body.inputs ?? [], res);
      if (results) res.status(201).json(this.batch(results));
    });

    app.post('/crm/v3/objects/:type', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const results = create(type, [req.body], res);
      if (results) res.status(201).json(results[0]);
    });

    app.post('/crm/v3/objects/:type/batch/update', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const inputs = req.body.inputs as { id: string; properties: Record<string, string> }[];
      for (const input of inputs) {
        if (!this.objects.get(type)?.has(input.id)) return this.error(res, 404, 'OBJECT_NOT_FOUND', `No ${SINGULAR[type]} ${input.id}`);
        const invalid = this.invalid(type, input.properties) ?? this.conflict(type, input.properties, input.id);
        if (invalid) return this.error(res, 400, 'VALIDATION_ERROR', invalid);
      }
      const results = inputs.map((input) => this.update(type, input.id, input.properties));
      res.json(this.batch(results));
    });

    app.post('/crm/v3/objects/:type/batch/upsert', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const inputs = req.body.inputs as { id: string; idProperty?: string; properties: Record<string, string> }[];
      for (const input of inputs) {
        const idProperty = input.idProperty ?? 'hs_object_id';
        if (idProperty !== 'hs_object_id' && !this.uniqueNames(type).includes(idProperty)) {
          return this.error(res, 400, 'VALIDATION_ERROR', `${idProperty} is not a unique property and cannot be an idProperty`);
        }
        const invalid = this.invalid(type, input.properties);
        if (invalid) return this.error(res, 400, 'VALIDATION_ERROR', invalid);
      }
      const results = inputs.map((input) => {
        const idProperty = input.idProperty ?? 'hs_object_id';
        const existing = this.findBy(type, idProperty, input.id);
        if (existing) return { ...this.update(type, existing.id, input.properties), new: false };
        const record = this.insert(type, { ...input.properties, [idProperty]: input.id });
        return { ...this.view(record), new: true };
      });
      res.json(this.batch(results));
    });

    app.post('/crm/v4/associations/:from/:to/batch/associate/default', (req, res) => {
      const from = String(req.params.from);
      const to = String(req.params.to);
      const typeId = DEFAULT_ASSOCIATION[`${from}->${to}`];
      if (!typeId) return this.error(res, 400, 'VALIDATION_ERROR', `No default association from ${from} to ${to}`);
      const inputs = req.body.inputs as { from: { id: string }; to: { id: string } }[];
      for (const input of inputs) {
        if (!this.objects.get(from)?.has(input.from.id) || !this.objects.get(to)?.has(input.to.id)) {
          return this.error(res, 400, 'VALIDATION_ERROR', 'Association between unknown records');
        }
      }
      const results = inputs.map((input) => {
        this.associate(from, input.from.id, to, input.to.id, typeId);
        return { from: { id: input.from.id }, to: { id: input.to.id }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId } };
      });
      res.json(this.batch(results));
    });

    app.get('/crm/v4/objects/:type/:id/associations/:toType', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      if (!this.objects.get(type)?.has(String(req.params.id))) return this.error(res, 404, 'OBJECT_NOT_FOUND', 'No such record');
      const toType = String(req.params.toType);
      const results = this.associations
        .filter((a) => a.fromType === type && a.fromId === req.params.id && a.toType === toType)
        .map((a) => ({ toObjectId: Number(a.toId), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: a.typeId, label: null }] }));
      res.json({ results });
    });

    app.get('/crm/v3/properties/:type/groups/:name', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      if (!this.groups.get(type)?.has(String(req.params.name))) return this.error(res, 404, 'OBJECT_NOT_FOUND', 'No such group');
      res.json({ name: req.params.name, label: req.params.name, displayOrder: -1, archived: false });
    });

    app.post('/crm/v3/properties/:type/groups', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const groups = this.groups.get(type);
      if (groups?.has(req.body.name)) return this.error(res, 409, 'CONFLICT', 'Group already exists');
      groups?.add(req.body.name);
      res.status(201).json({ ...req.body, archived: false });
    });

    const propertyView = (def: PropertyDef) => ({
      ...def,
      description: def.description ?? '',
      options: (def.options ?? []).map((o, i) => ({ displayOrder: i, hidden: false, ...o })),
      hasUniqueValue: def.hasUniqueValue ?? false,
      createdAt: this.now(),
      updatedAt: this.now(),
      archived: false,
      formField: false,
      calculated: false,
      externalOptions: false,
      hidden: false,
      modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
    });

    app.get('/crm/v3/properties/:type/:name', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const def = this.properties.get(type)?.get(String(req.params.name));
      if (!def) return this.error(res, 404, 'OBJECT_NOT_FOUND', 'No such property');
      res.json(propertyView(def));
    });

    app.post('/crm/v3/properties/:type', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const def = req.body as PropertyDef;
      if (!this.groups.get(type)?.has(def.groupName)) return this.error(res, 400, 'VALIDATION_ERROR', `Unknown group ${def.groupName}`);
      if (this.properties.get(type)?.has(def.name)) return this.error(res, 409, 'CONFLICT', 'Property already exists');
      this.properties.get(type)?.set(def.name, def);
      res.status(201).json(propertyView(def));
    });

    app.patch('/crm/v3/properties/:type/:name', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const def = this.properties.get(type)?.get(String(req.params.name));
      if (!def) return this.error(res, 404, 'OBJECT_NOT_FOUND', 'No such property');
      Object.assign(def, req.body);
      res.json(propertyView(def));
    });

    app.get('/calling/v1/dispositions', (_req, res) => {
      res.json(this.dispositions);
    });

    app.post('/crm/v3/extensions/calling/transcripts', (req, res) => {
      const engagementId = Number(req.body.engagementId);
      if (!this.objects.get('calls')?.has(String(engagementId))) return this.error(res, 400, 'VALIDATION_ERROR', 'Unknown engagement');
      const utterances = req.body.transcriptCreateUtterances;
      if (!Array.isArray(utterances) || utterances.length === 0) return this.error(res, 400, 'VALIDATION_ERROR', 'No utterances');
      const id = String(this.nextId++);
      this.transcripts.push({ id, engagementId, utterances });
      res.status(201).json({ id });
    });
  }

  private targetOf(type: string, association: { to: { id: string }; types: { associationTypeId: number }[] }): string | null {
    const typeId = association.types[0]?.associationTypeId;
    const entry = Object.entries(DEFAULT_ASSOCIATION).find(([pair, id]) => id === typeId && pair.startsWith(`${type}->`));
    const toType = entry?.[0].split('->')[1];
    return toType && this.objects.get(toType)?.has(association.to.id) ? toType : null;
  }

  private update(type: string, id: string, properties: Record<string, string>) {
    const record = this.objects.get(type)?.get(id);
    if (!record) throw new Error(`no ${type} ${id}`);
    Object.assign(record.properties, properties);
    record.updatedAt = this.now();
    this.computeSearchable(type, record);
    return this.view(record);
  }
}
