// Key material for encryption at rest and for transcript links. Both use the same text form so
// an operator learns one format: "keyId:base64-of-32-bytes", several separated by commas, the
// first one active (used for new data), the others kept so older data can still be read.
// Without a configured key (the embedded quickstart) keys are generated on first start into a
// file in the data folder, readable by the relay's user only, and the relay logs a warning.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';

export const KEY_BYTES = 32;

/** Key ids appear inside sealed values and tokens, so they are short and separator-free. */
export const KeyId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'key id: 1-32 letters, digits, _ or -');

export type Key = { id: string; secret: Buffer };

export class KeyFormatError extends Error {}

/** Parses "id:base64,id2:base64"; the first is the active key. Names the bad entry, never its secret. */
export function parseKeys(text: string, what: string): Key[] {
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 0) throw new KeyFormatError(`${what}: no keys`);
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KeyId.safeParse(id).success) throw new KeyFormatError(`${what}: entry ${i + 1} needs the form keyId:base64 with a key id of 1-32 letters, digits, _ or -`);
    const secret = Buffer.from(entry.slice(colon + 1), 'base64');
    if (secret.length !== KEY_BYTES) throw new KeyFormatError(`${what}: key ${id} must be ${KEY_BYTES} bytes of base64 (got ${secret.length})`);
    return { id, secret };
  });
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new KeyFormatError(`${what}: key ids must be unique`);
  return keys;
}

export function formatKeys(keys: Key[]): string {
  return keys.map((k) => `${k.id}:${k.secret.toString('base64')}`).join(',');
}

/** A fresh key whose id sorts by creation time, so an operator can tell keys apart at a glance. */
export function generateKey(now = new Date()): Key {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return { id: `k${stamp}${randomBytes(2).toString('hex')}`, secret: randomBytes(KEY_BYTES) };
}

export type KeySource = { keys: Key[]; file: string | undefined };

/**
 * The configured keys (env value) or, without one, the key file in the data folder, created on
 * first use with mode 0600.
 */
export function loadKeys(options: { envValue: string | undefined; envName: string; dataDir: string; fileName: string; log: Logger }): KeySource {
  if (options.envValue) return { keys: parseKeys(options.envValue, options.envName), file: undefined };
  const file = path.join(options.dataDir, options.fileName);
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeKeyFile(file, [generateKey()]);
  }
  options.log.warn({ file }, `${options.envName} not set: using a key generated in the data folder (back it up with the data; set ${options.envName} in production)`);
  return { keys: parseKeys(readFileSync(file, 'utf8'), file), file };
}

/** Writes atomically, so a crash mid-write never leaves a file that loses the keys. */
export function writeKeyFile(file: string, keys: Key[]): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, formatKeys(keys) + '\n', { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}
