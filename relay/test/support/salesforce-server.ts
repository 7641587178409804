// A local Salesforce org, as much of it as the relay talks to, following the documented REST
// contracts: the OAuth 2.0 token endpoint (JWT bearer with the assertion's RS256 signature and
// claims verified, and client credentials), sObject Collections create with per-record save
// results and real error shapes, describe for Call_Event__e built from config/call-event.json,
// and Sforce-Limit-Info on every API answer. Also the package's own Apex REST resource
// GET /services/apexrest[/<namespace>]/caller-context/v1 (CallerContextResource.cls): that
// contract is ours, not Salesforce's, and the fake follows the class; Salesforce's part is the
// path (Apex REST, "Introduction to Apex REST",
// https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_rest_intro.htm),
// the bearer session, and that an unmapped path answers 404 NOT_FOUND. Tests choose faults per publish request. Every
// accepted event is kept, so a test can check that each call arrived exactly once.
import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callEventContract, type ContractField } from '../../src/sync/call-event.ts';

export type PublishFault =
  /** 503 Service Unavailable, optionally with Retry-After. */
  | { kind: 'unavailable'; retryAfterSeconds?: number }
  /** 403 REQUEST_LIMIT_EXCEEDED: the org's daily API allocation is used up. */
  | { kind: 'requestLimit'; retryAfterSeconds?: number }
  /** Every issued token stops working, as when a session expires or is revoked. */
  | { kind: 'invalidSession' }
  /** The request is read and never answered; nothing is published. */
  | { kind: 'timeout' }
  /** The request is processed and some records are refused with this status code. */
  | { kind: 'recordErrors'; statusCode: string; pick: (record: Record<string, unknown>, index: number) => boolean };

export type DescribedField = {
  name: string;
  type: string;
  length?: number;
  precision?: number;
  scale?: number;
  createable: boolean;
  nillable: boolean;
};

export type SalesforceServerOptions = {
  clientId?: string;
  clientSecret?: string;
  username?: string;
  /** Verifies JWT bearer assertions; without it that grant is refused. */
  publicKey?: KeyObject | string;
  /** The `aud` a JWT must carry; defaults to the server's own URL, standing in for the login URL. */
  audience?: string;
  apiUsage?: { used: number; limit: number };
  /** Fields the org lacks, and fields the org has with other types: what `salesforce check` must find. */
  omitFields?: string[];
  alterFields?: Record<string, Partial<DescribedField>>;
  /** No Call_Event__e at all, as before the package is installed. */
  noEventObject?: boolean;
};

/** A Contact or Lead as the package's caller-context resource reports it. */
export type CallerRecord = {
  recordType: 'Contact' | 'Lead';
  name: string;
  ownerName: string;
  openCase?: { caseNumber: string; subject: string; status: string };
  openOpportunity?: { name: string; stageName: string };
};

type Problem = { statusCode: string; message: string; fields: string[] };

export function testKeyPair(): { privateKey: string; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey };
}

function describedField(field: ContractField): DescribedField {
  const common = { name: field.name, createable: true, nillable: !field.required };
  switch (field.type) {
    case 'Text':
      return { ...common, type: 'string', length: field.length };
    case 'LongTextArea':
      return { ...common, type: 'textarea', length: field.length };
    case 'Number':
      return { ...common, type: 'double', precision: field.precision, scale: field.scale };
    case 'DateTime':
      return { ...common, type: 'datetime' };
    case 'Checkbox':
      return { ...common, type: 'boolean', nillable: false };
  }
}

function problem(field: DescribedField, value: unknown): Problem | null {
  const bad = (statusCode: string, message: string) => ({ statusCode, message, fields: [field.name] });
  switch (field.type) {
    case 'string':
    case 'textarea':
      if (typeof value !== 'string') return bad('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.name}: value not of required type`);
      return value.length > (field.length ?? 0) ? bad('STRING_TOO_LONG', `${field.name}: data value too large: ${value} (max length=${field.length})`) : null;
    case 'double': {
      const digits = (field.precision ?? 18) - (field.scale ?? 0);
      if (typeof value !== 'number') return bad('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.name}: value not of required type`);
      return Math.abs(value) >= 10 ** digits ? bad('NUMBER_OUTSIDE_VALID_RANGE', `${field.name}: value outside of valid range`) : null;
    }
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) && /T/.test(value)
        ? null
        : bad('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.name}: value not of required type`);
    case 'boolean':
      return typeof value === 'boolean' ? null : bad('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.name}: value not of required type`);
    default:
      return null;
  }
}

export class SalesforceServer {
  url = '';
  /** Accepted Call_Event__e messages, in the order they were published. */
  readonly events: Record<string, unknown>[] = [];
  readonly requests = { token: 0, publish: 0, describe: 0, refused: 0, callerContext: 0 };
  readonly grants: string[] = [];
  /** Consumed one per publish request, before `faultFor`. */
  readonly faults: PublishFault[] = [];
  /** Chooses a fault for the nth publish request (1-based) when the queue is empty. */
  faultFor: ((n: number) => PublishFault | null) | null = null;
  /** Sees each publish request's path and parsed body as it arrives. */
  onPublishBody: ((path: string, body: unknown) => void) | null = null;
  apiUsage: { used: number; limit: number };
  readonly fields: DescribedField[];
  private readonly options: SalesforceServerOptions;
  private readonly tokens = new Set<string>();
  /** The org's callers as CallerContextResource would find them, keyed by phone key (E.164 digits). */
  readonly callers = new Map<string, CallerRecord>();
  /** Delays (or fails with a 500) the caller-context resource, for budget tests. */
  callerContextFault: { delayMs?: number; status?: number } | null = null;
  /** The namespace the package is installed under; '' for none. */
  namespace = '';
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private sequence = 0;

  constructor(options: SalesforceServerOptions = {}) {
    this.options = options;
    this.apiUsage = { ...(options.apiUsage ?? { used: 0, limit: 100_000 }) };
    this.fields = callEventContract.fields
      .filter((f) => !options.omitFields?.includes(f.name))
      .map((f) => ({ ...describedField(f), ...options.alterFields?.[f.name] }));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Accepted events for one call id. */
  countOf(callId: string): number {
    return this.events.filter((e) => e.Call_Id__c === callId).length;
  }

  /** Call ids accepted more than once. */
  duplicates(): string[] {
    const seen = new Map<string, number>();
    for (const e of this.events) seen.set(String(e.Call_Id__c), (seen.get(String(e.Call_Id__c)) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  }

  expireTokens(): void {
    this.tokens.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === '/services/oauth2/token') return this.token(body, res);

    const apex = path.match(/^\/services\/apexrest\/(?:([A-Za-z0-9_]+)\/)?caller-context\/v1\/?$/);
    if (apex && req.method === 'GET') return this.callerContext(apex[1] ?? '', new URL(req.url ?? '/', 'http://x').searchParams, req.headers.authorization, res);
    const api = path.match(/^\/services\/data\/v\d+\.\d\/(.*)$/);
    if (!api) return this.json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    this.apiUsage.used += 1;
    res.setHeader('Sforce-Limit-Info', `api-usage=${this.apiUsage.used}/${this.apiUsage.limit}`);
    const auth = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    if (!auth || !this.tokens.has(auth)) {
      this.requests.refused += 1;
      return this.json(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    if (req.method === 'POST' && api[1] === 'composite/sobjects') return this.publish(path, body, res);
    if (req.method === 'GET' && api[1] === 'sobjects/Call_Event__e/describe') {
      this.requests.describe += 1;
      if (this.options.noEventObject) return this.json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
      return this.json(res, 200, { name: 'Call_Event__e', label: 'Call Event', custom: true, fields: [{ name: 'ReplayId', type: 'string', length: 255, createable: false, nillable: true }, ...this.fields] });
    }
    return this.json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  }

  private token(body: string, res: ServerResponse): void {
    this.requests.token += 1;
    const form = new URLSearchParams(body);
    const grant = form.get('grant_type');
    const refuse = (error: string, description: string) => this.json(res, 400, { error, error_description: description });
    if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const reason = this.jwtProblem(form.get('assertion') ?? '');
      if (reason) return refuse('invalid_grant', reason);
    } else if (grant === 'client_credentials') {
      if (!this.options.clientSecret || form.get('client_id') !== this.options.clientId || form.get('client_secret') !== this.options.clientSecret) {
        return refuse('invalid_client', 'invalid client credentials');
      }
    } else {
      return refuse('unsupported_grant_type', 'grant type not supported');
    }
    this.grants.push(grant);
    const accessToken = `00D000000000001!${randomBytes(24).toString('base64url')}`;
    this.tokens.add(accessToken);
    this.json(res, 200, {
      access_token: accessToken,
      instance_url: this.url,
      id: `${this.url}/id/00D000000000001EAA/005000000000001AAA`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
      scope: 'api',
      signature: randomBytes(32).toString('base64'),
    });
  }

  private jwtProblem(assertion: string): string | null {
    const parts = assertion.split('.');
    if (parts.length !== 3 || !this.options.publicKey) return 'invalid assertion';
    const [header, claims, signature] = parts as [string, string, string];
    let parsedHeader: { alg?: string };
    let parsedClaims: { iss?: string; sub?: string; aud?: string; exp?: number };
    try {
      parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
      parsedClaims = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
    } catch {
      return 'invalid assertion';
    }
    if (parsedHeader.alg !== 'RS256') return 'invalid assertion algorithm';
    if (!verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), this.options.publicKey, Buffer.from(signature, 'base64url'))) return 'invalid assertion signature';
    if (parsedClaims.iss !== this.options.clientId) return 'invalid client identifier';
    if (parsedClaims.sub !== this.options.username) return 'user hasn\'t approved this consumer';
    if (parsedClaims.aud !== (this.options.audience ?? this.url)) return 'audience is invalid';
    const now = Math.floor(Date.now() / 1000);
    if (typeof parsedClaims.exp !== 'number' || parsedClaims.exp <= now || parsedClaims.exp > now + 300) return 'expired authorization code';
    return null;
  }

  private publish(path: string, body: string, res: ServerResponse): void {
    this.requests.publish += 1;
    const fault = this.faults.shift() ?? this.faultFor?.(this.requests.publish) ?? null;
    if (fault?.kind === 'timeout') return; // the client gives up; the socket closes with the server
    if (fault?.kind === 'unavailable') {
      if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      return this.json(res, 503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'Service temporarily unavailable' }]);
    }
    if (fault?.kind === 'requestLimit') {
      if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      return this.json(res, 403, [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: `TotalRequests Limit exceeded.` }]);
    }
    if (fault?.kind === 'invalidSession') {
      this.expireTokens();
      this.requests.refused += 1;
      return this.json(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }

    let parsed: { allOrNone?: unknown; records?: unknown };
    try {
      parsed = JSON.parse(body);
    } catch {
      return this.json(res, 400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'Unexpected character in the request body' }]);
    }
    this.onPublishBody?.(path, parsed);
    if (!Array.isArray(parsed.records)) return this.json(res, 400, [{ errorCode: 'INVALID_FIELD', message: 'records is required' }]);
    if (parsed.records.length > 200) {
      return this.json(res, 400, [{ errorCode: 'EXCEEDED_ID_LIMIT', message: 'record limit reached. cannot submit more than 200 records into this call' }]);
    }
    const records = parsed.records as Record<string, unknown>[];
    const known = new Map(this.fields.map((f) => [f.name, f]));
    // An unknown field fails the whole request, as the REST API does while deserialising it.
    for (const record of records) {
      for (const name of Object.keys(record)) {
        if (name !== 'attributes' && !known.has(name)) {
          return this.json(res, 400, [{ errorCode: 'INVALID_FIELD', message: `No such column '${name}' on sobject of type Call_Event__e` }]);
        }
      }
    }

    const results = records.map((record, index) => {
      const problems: Problem[] = [];
      const attributes = record.attributes as { type?: string } | undefined;
      if (attributes?.type !== 'Call_Event__e') problems.push({ statusCode: 'INVALID_TYPE', message: 'sObject type is required', fields: [] });
      for (const field of this.fields) {
        const value = record[field.name];
        if (value === undefined || value === null) {
          if (!field.nillable) problems.push({ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${field.name}]`, fields: [field.name] });
          continue;
        }
        const found = problem(field, value);
        if (found) problems.push(found);
      }
      if (problems.length === 0 && fault?.kind === 'recordErrors' && fault.pick(record, index)) {
        problems.push({ statusCode: fault.statusCode, message: `${fault.statusCode} (injected)`, fields: [] });
      }
      if (problems.length > 0) return { success: false, errors: problems };
      const { attributes: _type, ...event } = record;
      this.events.push(event);
      this.sequence += 1;
      return { id: `e00xx${String(this.sequence).padStart(10, '0')}`, success: true, errors: [] };
    });
    this.json(res, 200, results);
  }

  /** CallerContextResource.lookup(): 400 for a phone with no key, else the match (or none). */
  private async callerContext(namespace: string, params: URLSearchParams, authorization: string | undefined, res: ServerResponse): Promise<void> {
    // Apex REST classes live under the package's namespace; another prefix maps to no class.
    if (namespace !== this.namespace) return this.json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'Could not find a match for URL' }]);
    const auth = authorization?.match(/^Bearer (.+)$/)?.[1];
    if (!auth || !this.tokens.has(auth)) return this.json(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    this.requests.callerContext += 1;
    const fault = this.callerContextFault;
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.status) return this.json(res, fault.status, [{ errorCode: 'APEX_ERROR', message: 'System.LimitException (injected)' }]);
    // PhoneKey.normalize for an E.164 number: its digits.
    const digits = (params.get('phone') ?? '').replace(/[^0-9]/g, '');
    if (!params.get('phone')?.startsWith('+') || digits.length < 7 || digits.length > 15) {
      return this.json(res, 400, { error: 'phone: not a phone number' });
    }
    const include = new Set((params.get('include') ?? '').split(',').filter(Boolean));
    const record = this.callers.get(digits);
    if (!record) return this.json(res, 200, { matched: false });
    this.json(res, 200, {
      matched: true,
      recordType: record.recordType,
      name: record.name,
      ownerName: include.has('owner') ? record.ownerName : null,
      openCase: include.has('case') ? (record.openCase ?? null) : null,
      openOpportunity: include.has('opportunity') ? (record.openOpportunity ?? null) : null,
    });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
  }
}

export function startSalesforceServer(options: SalesforceServerOptions = {}): Promise<SalesforceServer> {
  return new SalesforceServer(options).start();
}
