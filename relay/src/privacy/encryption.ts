// Encryption at rest for personal fields: AES-256-GCM, one fresh 96-bit IV per value, the key id
// inside the sealed value so any key the ring still holds can open it and rotation can find the
// values still under an older key. The version and key id are authenticated (GCM additional
// data), so a value cannot be re-labelled to another key.
//
//   enc:v1:<keyId>:<iv>:<tag>:<ciphertext>     (iv, tag and ciphertext base64url)
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { generateKey, writeKeyFile, type Key, type KeySource } from './keys.ts';

const PREFIX = 'enc:v1:';
const SEALED = /^enc:v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]*)$/;

export class DecryptError extends Error {}

// A raw key buffer would be turned into a KeyObject on every seal and open, which costs more
// than the cipher itself for short values; each key's object is made once and kept.
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObject(secret: Buffer): KeyObject {
  let object = keyObjects.get(secret);
  if (!object) keyObjects.set(secret, (object = createSecretKey(secret)));
  return object;
}

// Every seal needs a fresh random IV, and crypto.randomBytes costs a native call and a getpid
// system call each time (a few microseconds, more than sealing a phone number). IVs are cut from
// a pool of random bytes drawn 4 KiB at a time instead; each is used once, so each is still fresh.
let ivPool = Buffer.alloc(0);
let ivOffset = 0;
function freshIv(): Buffer {
  if (ivOffset + 12 > ivPool.length) {
    ivPool = randomBytes(4096);
    ivOffset = 0;
  }
  ivOffset += 12;
  return ivPool.subarray(ivOffset - 12, ivOffset);
}

export class KeyRing {
  private keys: Key[];
  /** Where generated keys live; undefined when they come from ENCRYPTION_KEY. */
  readonly file: string | undefined;

  constructor(source: KeySource) {
    if (source.keys.length === 0) throw new Error('a key ring needs at least one key');
    this.keys = [...source.keys];
    this.file = source.file;
  }

  get activeId(): string {
    return this.keys[0]!.id;
  }

  get ids(): string[] {
    return this.keys.map((k) => k.id);
  }

  seal(plain: string): string {
    const key = this.keys[0]!;
    const iv = freshIv();
    const cipher = createCipheriv('aes-256-gcm', keyObject(key.secret), iv);
    cipher.setAAD(Buffer.from(PREFIX + key.id));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${key.id}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${body.toString('base64url')}`;
  }

  open(sealed: string): string {
    const match = SEALED.exec(sealed);
    if (!match) throw new DecryptError('not a sealed value');
    const [, id, iv, tag, body] = match as unknown as [string, string, string, string, string];
    const key = this.keys.find((k) => k.id === id);
    if (!key) throw new DecryptError(`unknown encryption key id ${id}`);
    const decipher = createDecipheriv('aes-256-gcm', keyObject(key.secret), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(PREFIX + id));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptError(`sealed value under key ${id} failed authentication`);
    }
  }

  /** The key id a sealed value was written under, or undefined for anything else. */
  static keyIdOf(value: string): string | undefined {
    return value.startsWith(PREFIX) ? SEALED.exec(value)?.[1] : undefined;
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && SEALED.test(value);
  }

  /** True when a sealed value is under an older key and should be re-encrypted. */
  isStale(value: string): boolean {
    const id = KeyRing.keyIdOf(value);
    return id !== undefined && id !== this.activeId;
  }

  /**
   * Makes a new key active. With a key file the new key is written there first (old keys kept for
   * reading), so a restart mid-rotation still opens everything. Keys from ENCRYPTION_KEY are
   * rotated by the operator: put a new key first in the variable and restart.
   */
  rotate(now = new Date()): string {
    if (!this.file) throw new Error('ENCRYPTION_KEY is set: add a new key first in ENCRYPTION_KEY (`relay keys generate`) and restart, then run `relay keys rotate`');
    const next = [generateKey(now), ...this.keys];
    writeKeyFile(this.file, next);
    this.keys = next;
    return this.activeId;
  }
}
