// The relay's HTTP client for the Salesforce REST API.
//
// Why fetch and not jsforce: delivery decisions need things jsforce keeps to itself. Its
// errors drop the response headers, so Retry-After on a 503 or REQUEST_LIMIT_EXCEEDED is lost;
// on a 401 it refreshes and repeats without a bound, where we want exactly one refresh; its
// timeout is one process-wide setting; and counting every HTTP request (token requests too)
// for the requests-per-call metric would mean patching its transport. With fetch each of
// those is a line, and the request and response shapes stay the documented REST ones.
import type { Metrics } from '../../metrics.ts';
import { readTokenResponse, tokenRequestBody, type AccessToken } from './auth.ts';
import type { SalesforceCredentials } from './credentials.ts';

export type ApiUsage = { used: number; limit: number };

export type SalesforceResponse = { status: number; headers: Headers; body: unknown };

/** The request never got an HTTP answer: refused, reset, or no answer within the timeout. */
export class SalesforceTransportError extends Error {}

export type SalesforceClientOptions = {
  credentials: SalesforceCredentials;
  apiVersion: string;
  timeoutMs?: number;
  metrics?: Metrics;
};

/** Salesforce reports the org's rolling 24-hour API usage on every REST answer. */
export function parseLimitInfo(header: string | null): ApiUsage | null {
  const match = header?.match(/api-usage=(\d+)\/(\d+)/);
  return match ? { used: Number(match[1]), limit: Number(match[2]) } : null;
}

export class SalesforceClient {
  readonly apiVersion: string;
  /** Every HTTP request made, token requests included: the figure the benchmark divides by calls. */
  requests = 0;
  apiUsage: ApiUsage | null = null;
  /** The org's instance, known once a token was issued. */
  instanceUrl: string | null = null;
  private readonly credentials: SalesforceCredentials;
  private readonly timeoutMs: number;
  private readonly metrics: Metrics | undefined;
  private token: Promise<AccessToken> | null = null;

  constructor(options: SalesforceClientOptions) {
    this.credentials = options.credentials;
    this.apiVersion = options.apiVersion;
    // Short enough that a token request, a publish, a refresh and its repeat all end within
    // the outbox's 60-second lease, so no other worker claims a batch still in flight.
    this.timeoutMs = options.timeoutMs ?? 12_000;
    this.metrics = options.metrics;
  }

  /** A path under /services/data/vXX.X of this client's API version. */
  dataPath(rest: string): string {
    return `/services/data/v${this.apiVersion}${rest}`;
  }

  /**
   * Sends a REST request with the cached token. A 401 means the session ended (expired,
   * revoked, or the org logged the user out): the token is fetched again once and the request
   * repeated once; a second 401 is returned to the caller as it is.
   */
  async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<SalesforceResponse> {
    let token = await this.accessToken();
    let response = await this.call(method, token, path, body);
    if (response.status === 401) {
      token = await this.accessToken(token);
      response = await this.call(method, token, path, body);
    }
    return response;
  }

  /** The cached token, or a new one; `stale` is the token the org just refused. */
  private accessToken(stale?: AccessToken): Promise<AccessToken> {
    const current = this.token;
    // Several requests refused at once share one new token instead of each fetching their own.
    if (current && stale) {
      return current.then((token) => (token === stale ? this.renew() : token), () => this.renew());
    }
    return current ?? this.renew();
  }

  private renew(): Promise<AccessToken> {
    const pending = this.fetchToken();
    this.token = pending;
    // A failed token request is not cached: the next delivery tries again.
    pending.catch(() => {
      if (this.token === pending) this.token = null;
    });
    return pending;
  }

  private async fetchToken(): Promise<AccessToken> {
    const response = await this.fetch(`${this.credentials.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: tokenRequestBody(this.credentials),
    });
    const token = await readTokenResponse(response);
    this.instanceUrl = token.instanceUrl;
    return token;
  }

  private async call(method: string, token: AccessToken, path: string, body: unknown): Promise<SalesforceResponse> {
    const response = await this.fetch(`${token.instanceUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token.accessToken}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    this.apiUsage = parseLimitInfo(response.headers.get('sforce-limit-info')) ?? this.apiUsage;
    const text = await response.text().catch((error: Error) => {
      throw new SalesforceTransportError(`Salesforce answer cut off: ${error.message}`);
    });
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // HTML error pages from a proxy or maintenance page: the status says enough.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    this.requests += 1;
    this.metrics?.crmRequests.labels('salesforce').inc();
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (error as Error).message;
      throw new SalesforceTransportError(`Salesforce request failed: ${reason}`);
    }
  }
}
