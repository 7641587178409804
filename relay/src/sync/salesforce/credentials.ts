// Which OAuth 2.0 flow the relay uses to reach the org, decided from the environment. Both are
// server-to-server flows with no user in the loop: the JWT bearer flow (a connected app with a
// certificate, acting as SF_USERNAME) and the client credentials flow (an app with a run-as
// user, which Salesforce serves only on the org's My Domain).
import { readFileSync } from 'node:fs';
import { ConfigError, type Env } from '../../config.ts';

export const DEFAULT_LOGIN_URL = 'https://login.salesforce.com';

export type SalesforceCredentials =
  | { flow: 'jwt'; loginUrl: string; clientId: string; username: string; privateKey: string }
  | { flow: 'client_credentials'; loginUrl: string; clientId: string; clientSecret: string };

type SalesforceEnv = Partial<Pick<Env, 'SF_LOGIN_URL' | 'SF_CLIENT_ID' | 'SF_CLIENT_SECRET' | 'SF_USERNAME' | 'SF_PRIVATE_KEY' | 'SF_PRIVATE_KEY_FILE'>>;

const GENERIC_LOGIN_HOSTS = new Set(['login.salesforce.com', 'test.salesforce.com']);

/** The credentials in the environment, null when Salesforce is not configured at all. */
export function salesforceCredentials(env: SalesforceEnv): SalesforceCredentials | null {
  const anything = env.SF_CLIENT_ID ?? env.SF_CLIENT_SECRET ?? env.SF_USERNAME ?? env.SF_PRIVATE_KEY ?? env.SF_PRIVATE_KEY_FILE;
  if (anything === undefined) return null;
  if (!env.SF_CLIENT_ID) throw new ConfigError('SF_CLIENT_ID is required when any SF_ setting is given');
  const loginUrl = (env.SF_LOGIN_URL ?? DEFAULT_LOGIN_URL).replace(/\/+$/, '');

  if (env.SF_USERNAME || env.SF_PRIVATE_KEY || env.SF_PRIVATE_KEY_FILE) {
    if (!env.SF_USERNAME) throw new ConfigError('SF_USERNAME is required for the JWT bearer flow');
    let privateKey = env.SF_PRIVATE_KEY;
    if (!privateKey && env.SF_PRIVATE_KEY_FILE) {
      try {
        privateKey = readFileSync(env.SF_PRIVATE_KEY_FILE, 'utf8');
      } catch (error) {
        throw new ConfigError(`cannot read SF_PRIVATE_KEY_FILE: ${(error as Error).message}`);
      }
    }
    if (!privateKey) throw new ConfigError('SF_PRIVATE_KEY or SF_PRIVATE_KEY_FILE is required for the JWT bearer flow');
    // A key pasted into a one-line environment variable arrives with literal \n sequences.
    return { flow: 'jwt', loginUrl, clientId: env.SF_CLIENT_ID, username: env.SF_USERNAME, privateKey: privateKey.replace(/\\n/g, '\n') };
  }

  if (!env.SF_CLIENT_SECRET) throw new ConfigError('set SF_CLIENT_SECRET (client credentials flow) or SF_USERNAME with a private key (JWT bearer flow)');
  if (GENERIC_LOGIN_HOSTS.has(new URL(loginUrl).hostname)) {
    throw new ConfigError('the client credentials flow needs SF_LOGIN_URL set to the org\'s My Domain (https://<domain>.my.salesforce.com)');
  }
  return { flow: 'client_credentials', loginUrl, clientId: env.SF_CLIENT_ID, clientSecret: env.SF_CLIENT_SECRET };
}
