import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/log.ts';
import { DecryptError, KeyRing } from '../../src/privacy/encryption.ts';
import { formatKeys, generateKey, KeyFormatError, loadKeys, parseKeys } from '../../src/privacy/keys.ts';

function capturedLogger() {
  const lines: string[] = [];
  const log = createLogger('info', new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  return { log, lines };
}

describe('encryption at rest', () => {
  const ring = new KeyRing({ keys: [generateKey()], file: undefined });

  it('seals to a versioned, key-labelled value that opens back to the text and never contains it', () => {
    const text = 'My card number is 4111 1111 1111 1111, call me back on +1 561 555 0192';
    const sealed = ring.seal(text);
    assert.match(sealed, new RegExp(`^enc:v1:${ring.activeId}:`));
    assert.ok(!sealed.includes('4111') && !sealed.includes('call me'));
    assert.equal(ring.open(sealed), text);
    assert.notEqual(ring.seal(text), sealed, 'a fresh IV each time');
    assert.equal(ring.open(ring.seal('')), '');
  });

  it('never uses an IV twice, across the random pool it draws IVs from', () => {
    // Over a thousand seals: the 4 KiB pool is refilled twice on the way.
    const ivs = Array.from({ length: 1000 }, () => ring.seal('+15615550192').split(':')[3]);
    assert.equal(new Set(ivs).size, ivs.length);
    assert.ok(ivs.every((iv) => Buffer.from(iv!, 'base64url').length === 12));
  });

  it('refuses a value whose ciphertext, tag or key label was changed', () => {
    const sealed = ring.seal('hello there');
    const parts = sealed.split(':');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const tampered = [
      [...parts.slice(0, 5), flip(parts[5]!)].join(':'),
      [...parts.slice(0, 4), flip(parts[4]!), parts[5]].join(':'),
    ];
    for (const value of tampered) assert.throws(() => ring.open(value), DecryptError);
    const other = new KeyRing({ keys: [{ id: ring.activeId, secret: generateKey().secret }], file: undefined });
    assert.throws(() => other.open(sealed), /failed authentication/);
    const relabelled = new KeyRing({ keys: [{ id: 'other', secret: generateKey().secret }, ...parseKeys(formatKeys([{ id: ring.activeId, secret: Buffer.alloc(32) }]), 'x')], file: undefined });
    assert.throws(() => relabelled.open(sealed.replace(`:${ring.activeId}:`, ':other:')), DecryptError);
    assert.throws(() => ring.open('plain text'), /not a sealed value/);
  });

  it('parses ENCRYPTION_KEY with several keys, the first active, and names a bad entry without echoing it', () => {
    const a = generateKey();
    const b = generateKey();
    const keys = parseKeys(` ${formatKeys([a])} , ${formatKeys([b])}`, 'ENCRYPTION_KEY');
    assert.deepEqual(keys.map((k) => k.id), [a.id, b.id]);
    const old = new KeyRing({ keys: [b], file: undefined });
    const both = new KeyRing({ keys, file: undefined });
    const sealedOld = old.seal('older text');
    assert.equal(both.open(sealedOld), 'older text');
    assert.equal(both.isStale(sealedOld), true);
    assert.equal(both.isStale(both.seal('new')), false);
    assert.throws(() => parseKeys('nokeyid', 'ENCRYPTION_KEY'), KeyFormatError);
    assert.throws(() => parseKeys('k1:c2hvcnQ=', 'ENCRYPTION_KEY'), /must be 32 bytes/);
    const secret = Buffer.alloc(31, 7).toString('base64');
    assert.throws(() => parseKeys(`k1:${secret}`, 'ENCRYPTION_KEY'), (e: Error) => !e.message.includes(secret));
    assert.throws(() => parseKeys(`${formatKeys([a])},${formatKeys([a])}`, 'ENCRYPTION_KEY'), /unique/);
  });

  it('generates a 0600 key file on first start with a warning, reuses it, and rotates into it', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-keys-'));
    const { log, lines } = capturedLogger();
    const first = new KeyRing(loadKeys({ envValue: undefined, envName: 'ENCRYPTION_KEY', dataDir, fileName: 'encryption-keys', log }));
    const file = path.join(dataDir, 'encryption-keys');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /"level":40.*ENCRYPTION_KEY not set/);
    assert.ok(!lines[0]!.includes(readFileSync(file, 'utf8').split(':')[1]!.trim()), 'the warning never holds the key');
    const sealed = first.seal('kept across restarts');
    const again = new KeyRing(loadKeys({ envValue: undefined, envName: 'ENCRYPTION_KEY', dataDir, fileName: 'encryption-keys', log }));
    assert.equal(again.open(sealed), 'kept across restarts');

    const newId = again.rotate(new Date(Date.now() + 1000));
    assert.notEqual(newId, first.activeId);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const restarted = new KeyRing(loadKeys({ envValue: undefined, envName: 'ENCRYPTION_KEY', dataDir, fileName: 'encryption-keys', log }));
    assert.equal(restarted.activeId, newId);
    assert.equal(restarted.open(sealed), 'kept across restarts', 'old keys still open old values');
    assert.equal(restarted.isStale(sealed), true);
  });

  it('refuses to rotate keys that come from the environment, and says how to', () => {
    const env = new KeyRing({ keys: [generateKey()], file: undefined });
    assert.throws(() => env.rotate(), /add a new key first in ENCRYPTION_KEY/);
  });
});
