import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateKey } from '../../src/privacy/keys.ts';
import { LinkSigner } from '../../src/privacy/links.ts';

const callId = 'CA' + '1'.repeat(32);

describe('signed transcript links', () => {
  const key = generateKey();
  const signer = new LinkSigner([key], 0);

  it('builds PUBLIC_URL/t/<token> and verifies it back to the call id', () => {
    const url = signer.url('https://relay.example.com/', callId);
    assert.match(url, /^https:\/\/relay\.example\.com\/t\/v1\.[^/]+$/);
    const check = signer.verify(url.split('/t/')[1]!);
    assert.deepEqual(check, { ok: true, callId, expiresAt: null });
  });

  it('refuses forged and altered tokens', () => {
    const token = signer.sign(callId);
    assert.deepEqual(signer.verify('not-a-token'), { ok: false, reason: 'forged' });
    assert.deepEqual(signer.verify(''), { ok: false, reason: 'forged' });
    // Another call id with the original signature.
    const parts = token.split('.');
    parts[2] = Buffer.from('CA' + '2'.repeat(32)).toString('base64url');
    assert.deepEqual(signer.verify(parts.join('.')), { ok: false, reason: 'altered' });
    // A never-expiring link made from an expiring one.
    const expiring = new LinkSigner([key], 30).sign(callId);
    const neverExpiring = expiring.split('.');
    neverExpiring[3] = '0';
    assert.deepEqual(signer.verify(neverExpiring.join('.')), { ok: false, reason: 'altered' });
    // Signed with a key of the same id that is not ours.
    const impostor = new LinkSigner([{ id: key.id, secret: generateKey().secret }], 0).sign(callId);
    assert.deepEqual(signer.verify(impostor), { ok: false, reason: 'altered' });
    // One flipped signature character.
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    assert.deepEqual(signer.verify(token.slice(0, -2) + last + token.at(-1)), { ok: false, reason: 'altered' });
  });

  it('is unguessable: the same call signed under two keys gives unrelated tokens', () => {
    const other = new LinkSigner([generateKey()], 0);
    assert.notEqual(other.sign(callId).split('.')[4], signer.sign(callId).split('.')[4]);
  });

  it('expires after LINK_TTL_DAYS and never with 0', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const ttl = new LinkSigner([key], 7);
    const token = ttl.sign(callId, now);
    const inSixDays = new Date(now.getTime() + 6 * 86_400_000);
    const inEightDays = new Date(now.getTime() + 8 * 86_400_000);
    assert.equal(ttl.verify(token, inSixDays).ok, true);
    assert.deepEqual(ttl.verify(token, inEightDays), { ok: false, reason: 'expired' });
    assert.equal(signer.verify(signer.sign(callId, now), new Date('2036-01-01T00:00:00Z')).ok, true);
  });

  it('keeps old links working after rotation while new links use the new key; drops links of a removed key', () => {
    const newKey = generateKey();
    const old = signer.sign(callId);
    const rotated = new LinkSigner([newKey, key], 0);
    assert.equal(rotated.verify(old).ok, true);
    assert.equal(rotated.sign(callId).split('.')[1], newKey.id);
    assert.deepEqual(new LinkSigner([newKey], 0).verify(old), { ok: false, reason: 'unknown_key' });
  });
});
