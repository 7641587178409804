// A local HubSpot portal that implements the documented contracts the relay uses, as strictly
// as HubSpot does, with its own in-memory CRM so tests can assert what ended up in it. Every
// request must match a row of hubspot-operations.ts (method, path, scopes, required
// properties, documented answers, documentation page); the rest is answered 404.
//
// Its answers are built as @hubspot/api-client's own model types and serialised with the
// client's ObjectSerializer, so the compiler checks their shape and the wire names (`new`,
// `from`) are the client's.
//
// What it refuses, as HubSpot does (each with the page it comes from):
// - a token it does not know: 401 (https://developers.hubspot.com/docs/api/overview, authentication);
// - a request outside the token's scopes: 403 MISSING_SCOPES naming the scopes
//   (https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/scopes);
// - more than 100 inputs in a batch: 400 (the batch endpoints' reference pages);
// - a property value that is not valid: 400 VALIDATION_ERROR "Property values were not valid",
//   for an unknown custom property, an option that does not exist (hs_lead_status included), an
//   invalid email (INVALID_EMAIL), and a recording URL that is not HTTPS (the calls guide:
//   https://developers.hubspot.com/docs/api-reference/legacy/crm/activities/calls/guide);
// - a create without a required property (hs_timestamp on calls and tasks: the same guides);
// - a unique value held by another record: 409 CONFLICT (properties guide, unique values);
// - a unique-value property on calls or tasks: HubSpot documents unique values for contacts,
//   companies, deals, tickets and custom objects only and does not say what it answers for
//   engagements; this portal refuses with 400, so nothing can come to rely on it;
// - an upsert whose idProperty is not a unique property: 400 (batch upsert reference);
// - transcripts for a static (private app) token: the transcripts API needs OAuth
//   (https://developers.hubspot.com/docs/api-reference/latest/crm/extensions/calling/transcripts);
// - over the rolling 10-second limit: 429 TEN_SECONDLY_ROLLING
//   (https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines).
// Faults for tests: whole-request faults (429 with Retry-After and any policyName, 5xx), a
// dropped answer after the write was made (a crash between a create and its acknowledgement),
// and 207 Multi-Status for a configurable share of batch items (batch endpoints document 207
// with an `errors` list). HubSpot's search index lags writes; so does this one.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import {
  AssociationSpecWithLabelCategoryEnum,
  BatchResponsePublicAssociationMultiWithLabelWithErrorsStatusEnum,
  ObjectSerializer as AssociationSerializer,
  type BatchResponsePublicAssociationMultiWithLabelWithErrors,
  type CollectionResponseMultiAssociatedObjectWithLabelForwardPaging,
  type MultiAssociatedObjectWithLabel,
} from '@hubspot/api-client/lib/codegen/crm/associations/v4/models/ObjectSerializer.js';
import {
  BatchResponseSimplePublicObjectWithErrorsStatusEnum,
  BatchResponseSimplePublicUpsertObjectWithErrorsStatusEnum,
  ObjectSerializer as ObjectsSerializer,
  type BatchResponseSimplePublicObjectWithErrors,
  type BatchResponseSimplePublicUpsertObjectWithErrors,
  type CollectionResponseWithTotalSimplePublicObjectForwardPaging,
  type ModelError,
  type SimplePublicObject,
  type SimplePublicUpsertObject,
  type StandardError,
} from '@hubspot/api-client/lib/codegen/crm/objects/models/ObjectSerializer.js';
import { ObjectSerializer as PropertiesSerializer, type Property, type PropertyGroup } from '@hubspot/api-client/lib/codegen/crm/properties/models/ObjectSerializer.js';
import { ObjectSerializer as OAuthSerializer, type AccessTokenInfoResponse } from '@hubspot/api-client/lib/codegen/oauth/models/ObjectSerializer.js';
import { allScopes, OBJECT_TYPES, objectScope, rowFor } from './hubspot-operations.ts';

export type CrmRecord = { id: string; properties: Record<string, string>; createdAt: string; updatedAt: string; createdAtMs: number };

export type Fault = {
  status: number;
  /** For 429s: TEN_SECONDLY_ROLLING, SECONDLY, DAILY. */
  policyName?: string;
  retryAfterSeconds?: number;
  /** Only requests whose path contains this are affected; all when absent. */
  pathIncludes?: string;
  /** The request is carried out, then the connection drops before any answer (status unused). */
  dropAnswer?: boolean;
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
type TokenKind = 'static' | 'oauth';

/** HubSpot's default call outcomes (the GUIDs every portal starts with; calls guide). */
export const defaultDispositions = [
  { id: '9d9162e7-6cf3-4944-bf63-4dff82258764', label: 'Busy', deleted: false },
  { id: 'f240bbac-87c9-4f6e-bf70-924b57d47db7', label: 'Connected', deleted: false },
  { id: 'a4c4c377-d246-4b32-a13b-75a56a4cd0ff', label: 'Left live message', deleted: false },
  { id: 'b2cf5968-551e-4856-9783-52b3da59a7d0', label: 'Left voicemail', deleted: false },
  { id: '73a0d17f-1163-4015-bdd5-ec830791da20', label: 'No answer', deleted: false },
  { id: '17b47fee-58de-441e-a44c-c6300d46f273', label: 'Wrong number', deleted: false },
];

/** HubSpot's default lead status options (contact property hs_lead_status). */
export const defaultLeadStatuses = ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING'];

const SINGULAR: Record<string, string> = { contacts: 'contact', companies: 'company', calls: 'call', tasks: 'task', deals: 'deal', tickets: 'ticket' };

/**
 * HubSpot-defined association type ids (associations v4 guide, "association type id values"),
 * both directions. Contact to company 1 is the primary company; 279 any other.
 */
export const ASSOCIATION_TYPES: Record<string, number> = {
  'calls->contacts': 194,
  'contacts->calls': 193,
  'calls->companies': 182,
  'companies->calls': 181,
  'calls->deals': 206,
  'deals->calls': 205,
  'calls->tickets': 220,
  'tickets->calls': 219,
  'tasks->contacts': 204,
  'contacts->tasks': 203,
  'tasks->companies': 192,
  'companies->tasks': 191,
  'tasks->deals': 216,
  'deals->tasks': 215,
  'tasks->tickets': 230,
  'tickets->tasks': 229,
  'contacts->companies': 279,
  'companies->contacts': 280,
  // Contact to deal and ticket, for caller context ("Associations v4", association type id
  // values: https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide#association-type-id-values).
  'contacts->deals': 4,
  'deals->contacts': 3,
  'contacts->tickets': 15,
  'tickets->contacts': 16,
};
export const PRIMARY_COMPANY = 1;

/** Properties HubSpot has out of the box; only custom (ai_) ones must be created first. */
const isCustom = (name: string) => name.startsWith('ai_call_');

// HubSpot does not publish its email rule; this is the shape it is documented to check
// (a local part, an @, a domain with a dot) without spaces or a second @.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export type HubSpotServerOptions = {
  accessToken?: string;
  /** Scopes of the default token; all the table uses when absent. */
  scopes?: string[];
  /** The default token's kind: a private app's static token or an OAuth token. */
  tokenKind?: TokenKind;
  /** Requests allowed per rolling 10 seconds before 429 TEN_SECONDLY_ROLLING. */
  tenSecondLimit?: number;
  /** New records stay invisible to search this long, as HubSpot's index lags writes. */
  searchLagMs?: number;
};

/** What every batch answer carries besides its status: results, timing, and errors (a 207). */
function envelope<R, E>(results: R[], errors: E[]) {
  const now = new Date();
  return { results, startedAt: now, completedAt: now, ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}) };
}

const wireObjects = (data: unknown, type: string): unknown => ObjectsSerializer.serialize(data, type, '');

export class HubSpotServer {
  readonly accessToken: string;
  readonly tokens = new Map<string, { scopes: Set<string>; kind: TokenKind }>();
  readonly portalId = 4455667;
  readonly objects = new Map<string, Map<string, CrmRecord>>(OBJECT_TYPES.map((t) => [t, new Map()]));
  readonly associations: Assoc[] = [];
  readonly properties = new Map<string, Map<string, PropertyDef>>(OBJECT_TYPES.map((t) => [t, new Map()]));
  readonly groups = new Map<string, Set<string>>(OBJECT_TYPES.map((t) => [t, new Set()]));
  readonly transcripts: { id: string; engagementId: number; utterances: unknown[] }[] = [];
  dispositions = defaultDispositions.map((d) => ({ ...d }));
  /** Successful answers with a status the operations table does not document: must stay empty. */
  readonly undocumented: string[] = [];
  /** Every request received, in order (method and path), including refused ones. */
  readonly requests: { method: string; path: string; status: number; at: number }[] = [];
  tenSecondLimit: number;
  searchLagMs: number;
  private readonly faults: Fault[] = [];
  private partial: { share: number; pathIncludes: string; seen: number } | null = null;
  private nextId = 1001;
  private server: Server | null = null;
  url = '';

  constructor(options: HubSpotServerOptions = {}) {
    this.accessToken = options.accessToken ?? 'pat-test-token';
    // By default: every scope the table uses, and the transcript read scope HubSpot's calling
    // transcripts guide asks apps to hold beside the write scope.
    this.addToken(this.accessToken, options.scopes ?? [...allScopes(), 'crm.extensions_calling_transcripts.read'], options.tokenKind ?? 'oauth');
    this.tenSecondLimit = options.tenSecondLimit ?? Number.POSITIVE_INFINITY;
    this.searchLagMs = options.searchLagMs ?? 0;
    const contacts = this.properties.get('contacts');
    contacts?.set('email', { name: 'email', label: 'Email', type: 'string', fieldType: 'text', groupName: 'contactinformation', hasUniqueValue: true });
    contacts?.set('hs_lead_status', {
      name: 'hs_lead_status',
      label: 'Lead Status',
      type: 'enumeration',
      fieldType: 'radio',
      groupName: 'sales_properties',
      options: defaultLeadStatuses.map((value, displayOrder) => ({ value, label: value, displayOrder })),
    });
  }

  /**
   * A token with these scopes. Static tokens (private apps, static auth) cannot hold the
   * transcript scopes: HubSpot offers them to OAuth apps only.
   */
  addToken(token: string, scopes: string[], kind: TokenKind = 'oauth'): void {
    const granted = kind === 'static' ? scopes.filter((s) => !s.startsWith('crm.extensions_calling_transcripts')) : scopes;
    this.tokens.set(token, { scopes: new Set(granted), kind });
  }

  /** The next `count` matching requests fail with this fault. */
  fail(fault: Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  /** From now on, this share of the items of matching batch requests fails (207), evenly spread. */
  failItems(share: number, pathIncludes = '/batch/'): void {
    this.partial = share > 0 ? { share, pathIncludes, seen: 0 } : null;
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

  /** Links two records as a person would in HubSpot, both directions. */
  link(fromType: string, fromId: string, toType: string, toId: string, typeId = ASSOCIATION_TYPES[`${fromType}->${toType}`] ?? 0): void {
    this.associate(fromType, fromId, toType, toId, typeId);
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
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private gate(req: Request, res: Response, next: () => void): void {
    const entry = { method: req.method, path: req.path, status: 200, at: Date.now() };
    this.requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    if (req.path.includes('/batch/') && Array.isArray(req.body?.inputs) && req.body.inputs.length > 100) {
      return this.error(res, 400, 'VALIDATION_ERROR', 'Batch input limit is 100');
    }
    // The token endpoints take the token itself (in the path or body), not a bearer header.
    if (req.path.startsWith('/oauth/')) return next();
    const token = this.tokens.get((req.get('authorization') ?? '').replace(/^Bearer /, ''));
    if (!token) return this.error(res, 401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.');
    const faultIndex = this.faults.findIndex((f) => !f.pathIncludes || req.path.includes(f.pathIncludes));
    const [fault] = faultIndex === -1 ? [] : this.faults.splice(faultIndex, 1);
    if (fault && !fault.dropAnswer) return this.applyFault(res, fault);
    if (fault?.dropAnswer) {
      // The write happens; the answer never arrives.
      const socket = req.socket;
      res.json = () => (socket.destroy(), res);
      res.send = res.json;
    }
    const recent = this.requests.filter((r) => entry.at - r.at < 10_000).length;
    if (recent > this.tenSecondLimit) return this.applyFault(res, { status: 429, policyName: 'TEN_SECONDLY_ROLLING' });
    const match = rowFor(req.method, req.path);
    if (!match) return this.error(res, 404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${req.path}`);
    res.on('finish', () => {
      if (res.statusCode < 300 && !match.row.responses.includes(res.statusCode)) this.undocumented.push(`${req.method} ${req.path} answered ${res.statusCode}`);
    });
    const missing = match.row.scopes(match.params).filter((s) => !token.scopes.has(s));
    if (missing.length > 0) return this.missingScopes(res, missing);
    res.locals.token = token;
    next();
  }

  /** HubSpot's answer to a request outside the token's scopes. */
  private missingScopes(res: Response, scopes: string[]): void {
    const body: ModelError = {
      category: 'MISSING_SCOPES',
      correlationId: randomUUID(),
      message: "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: scopes } }],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
    };
    res.status(403).json({ status: 'error', ...(wireObjects(body, 'ModelError') as object) });
  }

  private applyFault(res: Response, fault: Fault): void {
    if (fault.retryAfterSeconds !== undefined) res.set('Retry-After', String(fault.retryAfterSeconds));
    if (fault.status === 429) {
      const body: ModelError = { category: 'RATE_LIMITS', correlationId: randomUUID(), message: `You have reached your ${(fault.policyName ?? 'TEN_SECONDLY_ROLLING').toLowerCase()} limit.` };
      // HubSpot's 429 body carries errorType and policyName beyond the error model.
      res.status(429).json({ status: 'error', ...(wireObjects(body, 'ModelError') as object), errorType: 'RATE_LIMIT', policyName: fault.policyName ?? 'TEN_SECONDLY_ROLLING' });
      return;
    }
    this.error(res, fault.status, 'INTERNAL_ERROR', 'Internal error');
  }

  private error(res: Response, status: number, category: string, message: string): void {
    const body: ModelError = { category, correlationId: randomUUID(), message };
    res.status(status).json({ status: 'error', ...(wireObjects(body, 'ModelError') as object) });
  }

  private insert(type: string, properties: Record<string, string>): CrmRecord {
    const id = String(this.nextId++);
    const at = new Date().toISOString();
    const record: CrmRecord = { id, properties: { createdate: at, ...properties, hs_object_id: id }, createdAt: at, updatedAt: at, createdAtMs: Date.now() };
    this.objects.get(type)?.set(id, record);
    this.derive(type, record);
    return record;
  }

  /** Properties HubSpot calculates: searchable phone numbers, primary company, deal count. */
  private derive(type: string, record: CrmRecord): void {
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
    const primary = this.associations.find((a) => a.fromType === 'contacts' && a.fromId === record.id && a.toType === 'companies' && a.typeId === PRIMARY_COMPANY);
    if (primary) record.properties.associatedcompanyid = primary.toId;
    const deals = this.associated('contacts', record.id, 'deals').length;
    if (deals > 0) record.properties.num_associated_deals = String(deals);
  }

  private object(record: CrmRecord, wanted?: string[]): SimplePublicObject {
    const properties: Record<string, string | null> =
      wanted && wanted.length > 0 ? Object.fromEntries(wanted.map((p) => [p, record.properties[p] ?? null])) : { ...record.properties };
    return { id: record.id, properties: { ...properties, hs_object_id: record.id }, createdAt: new Date(record.createdAt), updatedAt: new Date(record.updatedAt), archived: false };
  }

  /** Why these properties cannot be written, or null: HubSpot's VALIDATION_ERROR message. */
  private invalid(type: string, properties: Record<string, unknown>): string | null {
    const problems: { message: string; error: string; name: string }[] = [];
    for (const [name, value] of Object.entries(properties)) {
      if (typeof value !== 'string') {
        problems.push({ name, error: 'INVALID_TYPE', message: `Property values must be strings: ${name}` });
        continue;
      }
      const def = this.properties.get(type)?.get(name);
      if (isCustom(name) && !def) problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      else if (def?.type === 'enumeration' && value !== '' && !def.options?.some((o) => o.value === value)) {
        problems.push({ name, error: 'INVALID_OPTION', message: `${value} was not one of the allowed options` });
      } else if (def?.type === 'number' && value !== '' && Number.isNaN(Number(value))) problems.push({ name, error: 'INVALID_INTEGER', message: `${name} must be a number` });
      else if (type === 'contacts' && name === 'email' && value !== '' && !EMAIL.test(value)) {
        problems.push({ name, error: 'INVALID_EMAIL', message: `Email address ${value} is invalid` });
      } else if (type === 'calls' && name === 'hs_call_recording_url' && value !== '' && !value.startsWith('https://')) {
        problems.push({ name, error: 'INVALID_URL', message: 'Recording URLs must use HTTPS' });
      }
    }
    if (problems.length === 0) return null;
    return `Property values were not valid: ${JSON.stringify(problems.map((p) => ({ isValid: false, ...p })))}`;
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
    const back = typeId === PRIMARY_COMPANY ? 2 : (ASSOCIATION_TYPES[`${toType}->${fromType}`] ?? typeId);
    this.associations.push({ fromType: toType, fromId: toId, toType: fromType, toId: fromId, typeId: back });
    for (const [type, id] of [
      [fromType, fromId],
      [toType, toId],
    ] as const) {
      const record = this.objects.get(type)?.get(id);
      if (record) this.derive(type, record);
    }
  }

  /** Which items of this batch fail with 207 (the configured share, spread over all items). */
  private failing(path: string, count: number): Set<number> {
    const failing = new Set<number>();
    const partial = this.partial;
    if (!partial || !path.includes(partial.pathIncludes)) return failing;
    for (let i = 0; i < count; i++) {
      const n = partial.seen++;
      if (Math.floor((n + 1) * partial.share) > Math.floor(n * partial.share)) failing.add(i);
    }
    return failing;
  }

  private itemError(message: string): StandardError {
    return { status: 'error', category: 'INTERNAL_ERROR', message, context: {}, links: {}, errors: [] };
  }

  private answerBatch(res: Response, okStatus: number, results: SimplePublicObject[], errors: StandardError[]): void {
    const body: BatchResponseSimplePublicObjectWithErrors = { status: BatchResponseSimplePublicObjectWithErrorsStatusEnum.Complete, ...envelope(results, errors) };
    res.status(errors.length > 0 ? 207 : okStatus).json(wireObjects(body, 'BatchResponseSimplePublicObjectWithErrors'));
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

    app.post('/oauth/v2/private-apps/get/access-token-info', (req, res) => {
      const token = this.tokens.get(String(req.body?.tokenKey ?? ''));
      if (!token || token.kind !== 'static') return this.error(res, 404, 'OBJECT_NOT_FOUND', 'Token not found');
      res.json({ userId: 1, hubId: this.portalId, appId: 77, scopes: [...token.scopes].sort() });
    });

    app.get('/oauth/v1/access-tokens/:token', (req, res) => {
      const token = this.tokens.get(String(req.params.token));
      if (!token || token.kind !== 'oauth') return this.error(res, 404, 'OBJECT_NOT_FOUND', 'Token not found');
      const body: AccessTokenInfoResponse = {
        token: String(req.params.token),
        user: 'admin@example.com',
        hubId: this.portalId,
        userId: 1,
        appId: 77,
        scopes: [...token.scopes].sort(),
        tokenType: 'access',
        expiresIn: 1800,
      };
      res.json(OAuthSerializer.serialize(body, 'AccessTokenInfoResponse', ''));
    });

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
      const body: CollectionResponseWithTotalSimplePublicObjectForwardPaging = { total: found.length, results: found.slice(0, limit).map((r) => this.object(r, req.body.properties)) };
      res.json(wireObjects(body, 'CollectionResponseWithTotalSimplePublicObjectForwardPaging'));
    });

    app.post('/crm/v3/objects/:type/batch/read', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const idProperty = req.body.idProperty ?? 'hs_object_id';
      const results: SimplePublicObject[] = [];
      const missing: string[] = [];
      for (const input of req.body.inputs as { id: string }[]) {
        const record = this.findBy(type, idProperty, input.id);
        if (record) results.push(this.object(record, req.body.properties));
        else missing.push(input.id);
      }
      const errors: StandardError[] =
        missing.length > 0 ? [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some records', context: { ids: missing }, links: {}, errors: [] }] : [];
      this.answerBatch(res, 200, results, errors);
    });

    app.post('/crm/v3/objects/:type/batch/create', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      type Input = { properties: Record<string, string>; associations?: { to: { id: string }; types: { associationTypeId: number }[] }[] };
      const inputs = (req.body.inputs ?? []) as Input[];
      const required = rowFor('POST', req.path)?.row.requiredProperties?.[type as 'calls'] ?? [];
      const token = res.locals.token as { scopes: Set<string> };
      const seen = new Map<string, string>();
      for (const input of inputs) {
        const absent = required.filter((name) => !input.properties?.[name]);
        if (absent.length > 0) return this.error(res, 400, 'VALIDATION_ERROR', `Missing required properties: ${absent.join(', ')}`);
        const invalid = this.invalid(type, input.properties ?? {});
        if (invalid) return this.error(res, 400, 'VALIDATION_ERROR', invalid);
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
          const scope = objectScope(target, 'read');
          if (!token.scopes.has(scope)) return this.missingScopes(res, [scope]);
        }
      }
      const failing = this.failing(req.path, inputs.length);
      const results: SimplePublicObject[] = [];
      const errors: StandardError[] = [];
      inputs.forEach((input, index) => {
        if (failing.has(index)) {
          errors.push(this.itemError('This record could not be created; try again.'));
          return;
        }
        const record = this.insert(type, input.properties);
        for (const association of input.associations ?? []) {
          const target = this.targetOf(type, association);
          if (target) this.associate(type, record.id, target, association.to.id, association.types[0]?.associationTypeId ?? 0);
        }
        results.push(this.object(record));
      });
      // HubSpot does not promise results in input order.
      this.answerBatch(res, 201, results.reverse(), errors);
    });

    app.post('/crm/v3/objects/:type/batch/update', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const inputs = req.body.inputs as { id: string; properties: Record<string, string> }[];
      for (const input of inputs) {
        if (!this.objects.get(type)?.has(input.id)) return this.error(res, 404, 'OBJECT_NOT_FOUND', `No ${SINGULAR[type]} ${input.id}`);
        const invalid = this.invalid(type, input.properties);
        if (invalid) return this.error(res, 400, 'VALIDATION_ERROR', invalid);
        const conflict = this.conflict(type, input.properties, input.id);
        if (conflict) return this.error(res, 409, 'CONFLICT', conflict);
      }
      const failing = this.failing(req.path, inputs.length);
      const results: SimplePublicObject[] = [];
      const errors: StandardError[] = [];
      inputs.forEach((input, index) => {
        if (failing.has(index)) errors.push(this.itemError(`${SINGULAR[type]} ${input.id} could not be updated; try again.`));
        else results.push(this.update(type, input.id, input.properties));
      });
      this.answerBatch(res, 200, results, errors);
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
      // Upsert answers carry no null property values (SimplePublicUpsertObject).
      const upserted = (object: SimplePublicObject, isNew: boolean): SimplePublicUpsertObject => ({
        ...object,
        properties: Object.fromEntries(Object.entries(object.properties).filter((entry): entry is [string, string] => entry[1] !== null)),
        _new: isNew,
      });
      const results: SimplePublicUpsertObject[] = inputs.map((input) => {
        const idProperty = input.idProperty ?? 'hs_object_id';
        const existing = this.findBy(type, idProperty, input.id);
        if (existing) return upserted(this.update(type, existing.id, input.properties), false);
        return upserted(this.object(this.insert(type, { ...input.properties, [idProperty]: input.id })), true);
      });
      const now = new Date();
      const body: BatchResponseSimplePublicUpsertObjectWithErrors = { status: BatchResponseSimplePublicUpsertObjectWithErrorsStatusEnum.Complete, results, startedAt: now, completedAt: now };
      res.json(wireObjects(body, 'BatchResponseSimplePublicUpsertObjectWithErrors'));
    });

    const associationsOf = (type: string, id: string, toType: string): MultiAssociatedObjectWithLabel[] =>
      this.associations
        .filter((a) => a.fromType === type && a.fromId === id && a.toType === toType)
        .sort((a, b) => Number(a.toId) - Number(b.toId))
        .map((a) => ({
          toObjectId: a.toId,
          associationTypes: [{ category: AssociationSpecWithLabelCategoryEnum.HubspotDefined, typeId: a.typeId, ...(a.typeId === PRIMARY_COMPANY ? { label: 'Primary' } : {}) }],
        }));

    app.post('/crm/v4/associations/:type/:toType/batch/read', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const toType = String(req.params.toType);
      const results: BatchResponsePublicAssociationMultiWithLabelWithErrors['results'] = [];
      const errors: BatchResponsePublicAssociationMultiWithLabelWithErrors['errors'] = [];
      for (const input of req.body.inputs as { id: string }[]) {
        const to = associationsOf(type, input.id, toType);
        // Records without associations come back as errors in a 207 (associations v4 batch read).
        if (to.length === 0) errors.push({ status: 'error', category: 'OBJECT_NOT_FOUND', message: `No ${toType} is associated with ${SINGULAR[type]} ${input.id}`, context: { fromId: [input.id] }, links: {}, errors: [] });
        else results.push({ _from: { id: input.id }, to });
      }
      const body: BatchResponsePublicAssociationMultiWithLabelWithErrors = {
        status: BatchResponsePublicAssociationMultiWithLabelWithErrorsStatusEnum.Complete,
        ...envelope(results, errors),
      };
      res.status(errors.length > 0 ? 207 : 200).json(AssociationSerializer.serialize(body, 'BatchResponsePublicAssociationMultiWithLabelWithErrors', ''));
    });

    app.get('/crm/v4/objects/:type/:id/associations/:toType', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      if (!this.objects.get(type)?.has(String(req.params.id))) return this.error(res, 404, 'OBJECT_NOT_FOUND', 'No such record');
      const all = associationsOf(type, String(req.params.id), String(req.params.toType));
      const limit = Math.min(500, Number(req.query.limit ?? 500));
      const start = req.query.after ? Number(req.query.after) : 0;
      const page = all.slice(start, start + limit);
      const next = start + limit < all.length ? String(start + limit) : null;
      const body: CollectionResponseMultiAssociatedObjectWithLabelForwardPaging = { results: page, ...(next ? { paging: { next: { after: next } } } : {}) };
      res.json(AssociationSerializer.serialize(body, 'CollectionResponseMultiAssociatedObjectWithLabelForwardPaging', ''));
    });

    app.get('/crm/v3/properties/:type/groups/:name', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      if (!this.groups.get(type)?.has(String(req.params.name))) return this.error(res, 404, 'OBJECT_NOT_FOUND', 'No such group');
      const body: PropertyGroup = { name: String(req.params.name), label: String(req.params.name), displayOrder: -1, archived: false };
      res.json(PropertiesSerializer.serialize(body, 'PropertyGroup', ''));
    });

    app.post('/crm/v3/properties/:type/groups', (req, res) => {
      const type = objectType(req, res);
      if (!type) return;
      const groups = this.groups.get(type);
      if (!req.body.name || !req.body.label) return this.error(res, 400, 'VALIDATION_ERROR', 'name and label are required');
      if (groups?.has(req.body.name)) return this.error(res, 409, 'CONFLICT', 'Group already exists');
      groups?.add(req.body.name);
      const body: PropertyGroup = { name: req.body.name, label: req.body.label, displayOrder: req.body.displayOrder ?? -1, archived: false };
      res.status(201).json(PropertiesSerializer.serialize(body, 'PropertyGroup', ''));
    });

    const propertyView = (def: PropertyDef): unknown => {
      const body: Property = {
        name: def.name,
        label: def.label,
        type: def.type,
        fieldType: def.fieldType,
        groupName: def.groupName,
        description: def.description ?? '',
        options: (def.options ?? []).map((o, i) => ({ label: o.label, value: o.value, displayOrder: o.displayOrder ?? i, hidden: o.hidden ?? false })),
        hasUniqueValue: def.hasUniqueValue ?? false,
        createdAt: new Date(),
        updatedAt: new Date(),
        archived: false,
        formField: false,
        calculated: false,
        externalOptions: false,
        hidden: false,
        modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
      };
      return PropertiesSerializer.serialize(body, 'Property', '');
    };

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
      const absent = ['name', 'label', 'type', 'fieldType', 'groupName'].filter((k) => !(def as Record<string, unknown>)[k]);
      if (absent.length > 0) return this.error(res, 400, 'VALIDATION_ERROR', `Missing required fields: ${absent.join(', ')}`);
      if (def.hasUniqueValue && (type === 'calls' || type === 'tasks')) {
        return this.error(res, 400, 'VALIDATION_ERROR', `Unique values are not supported on ${type}`);
      }
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
      if ((res.locals.token as { kind: TokenKind }).kind !== 'oauth') return this.error(res, 403, 'MISSING_SCOPES', 'Transcripts need an OAuth app');
      const engagementId = Number(req.body.engagementId);
      if (!this.objects.get('calls')?.has(String(engagementId))) return this.error(res, 400, 'VALIDATION_ERROR', 'Unknown engagement');
      const utterances = req.body.transcriptCreateUtterances;
      if (!Array.isArray(utterances) || utterances.length === 0) return this.error(res, 400, 'VALIDATION_ERROR', 'No utterances');
      const id = String(this.nextId++);
      this.transcripts.push({ id, engagementId, utterances });
      res.status(200).json({ id });
    });
  }

  private targetOf(type: string, association: { to: { id: string }; types: { associationTypeId: number }[] }): string | null {
    const typeId = association.types[0]?.associationTypeId;
    const entry = Object.entries(ASSOCIATION_TYPES).find(([pair, id]) => id === typeId && pair.startsWith(`${type}->`));
    const toType = entry?.[0].split('->')[1];
    return toType && this.objects.get(toType)?.has(association.to.id) ? toType : null;
  }

  private update(type: string, id: string, properties: Record<string, string>): SimplePublicObject {
    const record = this.objects.get(type)?.get(id);
    if (!record) throw new Error(`no ${type} ${id}`);
    Object.assign(record.properties, properties);
    record.updatedAt = new Date().toISOString();
    this.derive(type, record);
    return this.object(record);
  }
}
