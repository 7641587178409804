// The relay's data-protection keys, loaded once at start: the encryption key ring (ENCRYPTION_KEY
// or data/encryption-keys), the transcript link keys (LINK_SIGNING_KEY or data/link-keys) and the
// console session signer derived from the active link key, and the key HubSpot lookups are
// hashed with (LOOKUP_KEY or data/lookup-key).
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { KeyRing } from './encryption.ts';
import { loadKeys } from './keys.ts';
import { LinkSigner } from './links.ts';
import { SessionSigner } from './sessions.ts';

export type DataProtection = { keys: KeyRing; links: LinkSigner; sessions: SessionSigner; lookupKey: Buffer };

export const ENCRYPTION_KEY_FILE = 'encryption-keys';
export const LINK_KEY_FILE = 'link-keys';

export function loadDataProtection(config: Config, log: Logger): DataProtection {
  const { env, dataDir } = config;
  if (env.DATABASE_URL && (!env.ENCRYPTION_KEY || !env.LINK_SIGNING_KEY || !env.LOOKUP_KEY)) {
    log.warn('DATABASE_URL is set but ENCRYPTION_KEY, LINK_SIGNING_KEY or LOOKUP_KEY is not: every relay instance sharing the database needs the same keys, so set all three');
  }
  const keys = new KeyRing(loadKeys({ envValue: env.ENCRYPTION_KEY, envName: 'ENCRYPTION_KEY', dataDir, fileName: ENCRYPTION_KEY_FILE, log }));
  const linkKeys = loadKeys({ envValue: env.LINK_SIGNING_KEY, envName: 'LINK_SIGNING_KEY', dataDir, fileName: LINK_KEY_FILE, log }).keys;
  // Stable across restarts and shared by instances: HubSpot lookups are stored under its HMAC.
  const lookupKey = loadKeys({ envValue: env.LOOKUP_KEY, envName: 'LOOKUP_KEY', dataDir, fileName: 'lookup-key', log }).keys[0]!.secret;
  return { keys, links: new LinkSigner(linkKeys, env.LINK_TTL_DAYS), sessions: new SessionSigner(linkKeys[0]!.secret), lookupKey };
}
