// OAuth 2.0 access tokens for the org: a JWT bearer assertion signed RS256 with node:crypto, or
// a client credentials grant, posted to the login URL's token endpoint.
import { createPrivateKey, sign } from 'node:crypto';
import { z } from 'zod';
import type { SalesforceCredentials } from './credentials.ts';

export const TokenResponse = z.object({
  access_token: z.string().min(1),
  instance_url: z.url(),
  token_type: z.string().optional(),
  issued_at: z.string().optional(),
});

export type AccessToken = { accessToken: string; instanceUrl: string };

const TokenError = z.object({ error: z.string(), error_description: z.string().optional() });

export class SalesforceAuthError extends Error {}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** Salesforce accepts an assertion whose exp is at most three minutes away. */
const ASSERTION_LIFETIME_SECONDS = 170;

export function jwtAssertion(credentials: Extract<SalesforceCredentials, { flow: 'jwt' }>, nowMs = Date.now()): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({
      iss: credentials.clientId,
      sub: credentials.username,
      aud: credentials.loginUrl,
      exp: Math.floor(nowMs / 1000) + ASSERTION_LIFETIME_SECONDS,
    }),
  );
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), createPrivateKey(credentials.privateKey));
  return `${header}.${claims}.${base64url(signature)}`;
}

export function tokenRequestBody(credentials: SalesforceCredentials): URLSearchParams {
  return credentials.flow === 'jwt'
    ? new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwtAssertion(credentials) })
    : new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret });
}

/** Reads a token endpoint answer; errors name the OAuth error code, never the secret sent. */
export async function readTokenResponse(response: Response): Promise<AccessToken> {
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = TokenError.safeParse(body);
    const reason = error.success ? `${error.data.error}${error.data.error_description ? `: ${error.data.error_description}` : ''}` : 'no OAuth error in the answer';
    throw new SalesforceAuthError(`Salesforce token request failed (HTTP ${response.status}, ${reason})`);
  }
  const token = TokenResponse.safeParse(body);
  if (!token.success) throw new SalesforceAuthError('Salesforce token response lacks access_token or instance_url');
  return { accessToken: token.data.access_token, instanceUrl: token.data.instance_url.replace(/\/+$/, '') };
}
