// Operator passwords: scrypt with a per-password salt, stored as one self-describing string so
// the cost can be raised later without breaking existing hashes:
//
//   scrypt:<N>:<r>:<p>:<salt base64url>:<hash base64url>
//
// `relay hash-password` prints one for CONSOLE_ADMIN_PASSWORD_HASH (no "$" in it, so it survives
// shells and .env files unquoted).
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const HASH = /^scrypt:(\d{1,7}):(\d{1,2}):(\d{1,2}):([A-Za-z0-9_-]{16,}):([A-Za-z0-9_-]{43,})$/;
const DEFAULT_COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; the default cap (32 MiB) is exactly N=2^15, r=8, so leave room.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  if (password.length < 12) throw new Error('use a password of at least 12 characters');
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return `scrypt:${cost.N}:${cost.r}:${cost.p}:${salt.toString('base64url')}:${key.toString('base64url')}`;
}

export function isPasswordHash(value: string): boolean {
  return HASH.test(value);
}

/** Constant-time check; a malformed hash never matches. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const match = HASH.exec(hash);
  if (!match) return false;
  const [, n, r, p, salt, expected] = match as unknown as [string, string, string, string, string, string];
  const want = Buffer.from(expected, 'base64url');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  // Refuse silly costs from a mistyped hash rather than pinning the CPU or memory.
  if (cost.N < 2 ** 10 || cost.N > 2 ** 20 || (cost.N & (cost.N - 1)) !== 0 || cost.r < 1 || cost.p < 1) return false;
  const got = await derive(password, Buffer.from(salt, 'base64url'), cost);
  return got.length === want.length && timingSafeEqual(got, want);
}
