import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Signature } from '@hubspot/api-client';
import express from 'express';
import {
  decodeSignedUri,
  isConfiguredPortal,
  requireHubSpotSignature,
  verifyHubSpotSignature,
} from '../../src/web/hubspot-signature.ts';

const SECRET = 'app-client-secret-0f3c';
const PUBLIC = 'https://relay.example.com';

/** Signs as HubSpot does, with the SDK: over the URI HubSpot called, escapes decoded. */
function sign(method: string, signedUri: string, body: string, timestamp: number): string {
  return Signature.getSignature(method, 'v3', { clientSecret: SECRET, requestBody: body, url: signedUri, timestamp, signature: '' });
}

describe('X-HubSpot-Signature-v3', () => {
  let server: Server;
  let base = '';
  before(async () => {
    const app = express();
    app.use('/hubspot', express.raw({ type: '*/*' }), requireHubSpotSignature({ clientSecret: SECRET, publicUrl: PUBLIC }));
    app.all('/hubspot/card/calls', (req, res) => {
      res.json({ ok: true, portal: isConfiguredPortal(req.query.portalId, '4242') });
    });
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const call = (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });

  it('accepts a GET signed over the public URL, with escapes HubSpot decodes before signing', async () => {
    const path = '/hubspot/card/calls?objectType=contacts&objectId=51&portalId=4242&userEmail=rep%40example.com&note=a%2Fb%20c';
    const signedUri = `${PUBLIC}/hubspot/card/calls?objectType=contacts&objectId=51&portalId=4242&userEmail=rep@example.com&note=a/b%20c`;
    const timestamp = Date.now();
    const response = await call(path, { 'X-HubSpot-Signature-v3': sign('GET', signedUri, '', timestamp), 'X-HubSpot-Request-Timestamp': String(timestamp) });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true, portal: true });
  });

  it('accepts a POST signed over the raw body', async () => {
    const body = '{"objectId": 51,  "note":"spaces kept"}';
    const timestamp = Date.now();
    const response = await call(
      '/hubspot/card/calls',
      { 'X-HubSpot-Signature-v3': sign('POST', `${PUBLIC}/hubspot/card/calls`, body, timestamp), 'X-HubSpot-Request-Timestamp': String(timestamp), 'content-type': 'application/json' },
      { method: 'POST', body },
    );
    assert.equal(response.status, 200);
  });

  it('refuses an unsigned request with 401', async () => {
    const response = await call('/hubspot/card/calls?objectType=contacts&objectId=51', {});
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { error: 'HubSpot signature unsigned' });
  });

  it('refuses a request older than five minutes even when the signature is right', async () => {
    const timestamp = Date.now() - 5 * 60 * 1000 - 1_000;
    const signedUri = `${PUBLIC}/hubspot/card/calls?objectType=contacts&objectId=51`;
    const response = await call('/hubspot/card/calls?objectType=contacts&objectId=51', {
      'X-HubSpot-Signature-v3': sign('GET', signedUri, '', timestamp),
      'X-HubSpot-Request-Timestamp': String(timestamp),
    });
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { error: 'HubSpot signature stale' });
  });

  it('refuses a signature made with another secret, or over another record', async () => {
    const timestamp = Date.now();
    const signedUri = `${PUBLIC}/hubspot/card/calls?objectType=contacts&objectId=51`;
    const forged = Signature.getSignature('GET', 'v3', { clientSecret: 'not-the-secret', requestBody: '', url: signedUri, timestamp, signature: '' });
    const wrongSecret = await call('/hubspot/card/calls?objectType=contacts&objectId=51', { 'X-HubSpot-Signature-v3': forged, 'X-HubSpot-Request-Timestamp': String(timestamp) });
    assert.equal(wrongSecret.status, 401);
    const otherRecord = await call('/hubspot/card/calls?objectType=contacts&objectId=52', {
      'X-HubSpot-Signature-v3': sign('GET', signedUri, '', timestamp),
      'X-HubSpot-Request-Timestamp': String(timestamp),
    });
    assert.equal(otherRecord.status, 401);
    assert.deepEqual(await otherRecord.json(), { error: 'HubSpot signature mismatch' });
  });

  it('refuses a tampered body', async () => {
    const timestamp = Date.now();
    const response = await call(
      '/hubspot/card/calls',
      { 'X-HubSpot-Signature-v3': sign('POST', `${PUBLIC}/hubspot/card/calls`, '{"a":1}', timestamp), 'X-HubSpot-Request-Timestamp': String(timestamp) },
      { method: 'POST', body: '{"a":2}' },
    );
    assert.equal(response.status, 401);
  });
});

describe('signature rules', () => {
  it('decodes exactly the escapes HubSpot lists, in either case, and leaves the rest', () => {
    assert.equal(
      decodeSignedUri('https://r.test/p?a=%3A%2f%3F%40%21%24%27%28%29%2A%2C%3b&b=%20%26%3D%25'),
      "https://r.test/p?a=:/?@!$'()*,;&b=%20%26%3D%25",
    );
  });

  it('accepts a base64 signature whose + a proxy turned into a space', () => {
    const timestamp = String(Date.now());
    let uri = '';
    let signature = '';
    for (let i = 0; !signature.includes('+'); i++) {
      uri = `${PUBLIC}/hubspot/card/calls?objectId=${i}`;
      signature = sign('GET', uri, '', Number(timestamp));
    }
    const result = verifyHubSpotSignature({ method: 'GET', uri, rawBody: '', signature: signature.replace(/\+/g, ' '), timestamp }, SECRET);
    assert.deepEqual(result, { ok: true });
  });

  it('refuses a timestamp from the future beyond the window', () => {
    const timestamp = Date.now() + 6 * 60 * 1000;
    const uri = `${PUBLIC}/x`;
    const result = verifyHubSpotSignature({ method: 'GET', uri, rawBody: '', signature: sign('GET', uri, '', timestamp), timestamp: String(timestamp) }, SECRET);
    assert.deepEqual(result, { ok: false, reason: 'stale' });
  });

  it('accepts only the configured portal', () => {
    assert.equal(isConfiguredPortal('4242', '4242'), true);
    assert.equal(isConfiguredPortal('4243', '4242'), false);
    assert.equal(isConfiguredPortal(['4242'], '4242'), false);
    assert.equal(isConfiguredPortal('4242', undefined), false, 'no configured portal means no card access');
  });
});
