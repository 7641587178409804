import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Signature } from '@hubspot/api-client';
import express from 'express';
import { z } from 'zod';
import { CardCall as CardMirror, CardCallsResponse as CardMirrorResponse } from '../../../hubspot-project/src/app/cards/calls-response.ts';
import { HubSpotApi } from '../../src/sync/hubspot/api.ts';
import { PortalLimiter } from '../../src/sync/hubspot/limiter.ts';
import { CardCall, CardCallsQuery, CardCallsResponse, cardCalls, cardCallsHandler } from '../../src/sync/hubspot/card-api.ts';
import { requireHubSpotSignature } from '../../src/web/hubspot-signature.ts';
import { snapshot } from '../sync/fixtures.ts';
import { harness, items, type Harness } from './harness.ts';

describe('card endpoint data', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
    await h.sink.deliver(items(snapshot({ callId: 'CA-card-1', startedAt: '2026-03-02T15:04:05.000Z' })));
    await h.sink.deliver(items(snapshot({ callId: 'CA-card-2', startedAt: '2026-03-03T09:00:00.000Z', insights: { ...snapshot().insights!, disposition: 'voicemail', intentConfidence: 0.5 } })));
    // A call a rep logged by hand on the same contact is not an AI call.
    const contact = h.server.all('contacts')[0]!;
    h.server.seed('calls', { hs_timestamp: '2026-03-04T00:00:00Z', hs_call_duration: '1000' });
    const manual = h.server.all('calls').at(-1)!;
    h.server.associations.push({ fromType: 'contacts', fromId: contact.id, toType: 'calls', toId: manual.id, typeId: 193 });
  });
  after(() => h.close());

  it("lists a contact's AI calls newest first with labels, confidence and links", async () => {
    const contact = h.server.all('contacts')[0]!;
    const response = await cardCalls(h.api, CardCallsQuery.parse({ objectType: 'contacts', objectId: contact.id }));
    assert.deepEqual(CardCallsResponse.parse(response), response);
    assert.deepEqual(response.calls.map((c) => c.callId), ['CA-card-2', 'CA-card-1']);
    const [latest, first] = response.calls;
    assert.equal(latest?.dispositionLabel, 'Voicemail');
    assert.equal(latest?.intentConfidence, 0.5);
    assert.deepEqual(first, {
      callId: 'CA-card-1',
      startedAt: '2026-03-02T15:04:05.000Z',
      durationSeconds: 192,
      intent: 'book_appointment',
      intentLabel: 'Book appointment',
      intentConfidence: 0.88,
      disposition: 'appointment_booked',
      dispositionLabel: 'Appointment booked',
      summary: 'Asked: A cleaning next week.\nSaid: Booked Tuesday at 10.\nNext step: Send a reminder.',
      transcriptUrl: 'https://relay.example.com/calls/CA1/transcript?sig=abc',
      recordingUrl: null,
    });
    assert.ok(CardMirrorResponse.safeParse(response).success, 'the card understands the relay response');
  });

  it('refuses queries that are not a supported record type and numeric id', () => {
    assert.equal(CardCallsQuery.safeParse({ objectType: 'companies', objectId: '1' }).success, false);
    assert.equal(CardCallsQuery.safeParse({ objectType: 'contacts', objectId: '1 OR 1=1' }).success, false);
  });

  it("matches the card's copy of the response schema field for field", () => {
    const shape = (schema: z.ZodObject) =>
      Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, { nullable: (field as z.ZodType).safeParse(null).success }]));
    assert.deepEqual(shape(CardMirror), shape(CardCall));
  });
});

describe('card endpoint', () => {
  const SECRET = 'card-secret';
  const PUBLIC = 'https://relay.example.com';
  let h: Harness;
  let server: Server;
  let base = '';
  before(async () => {
    h = await harness();
    await h.sink.deliver(items(snapshot({ callId: 'CA-endpoint' })));
    const app = express();
    app.get('/hubspot/card/calls', requireHubSpotSignature({ clientSecret: SECRET, publicUrl: PUBLIC }), cardCallsHandler(h.api, '4242'));
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  });

  /** A GET as hubspot.fetch sends it: HubSpot's metadata in the query, signed. */
  const signedGet = (query: string) => {
    const path = `/hubspot/card/calls?${query}`;
    const timestamp = Date.now();
    const signature = Signature.getSignature('GET', 'v3', { clientSecret: SECRET, requestBody: '', url: `${PUBLIC}${path}`, timestamp, signature: '' });
    return fetch(`${base}${path}`, { headers: { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(timestamp) } });
  };

  it('answers a signed request from the configured portal with what the card understands', async () => {
    const contact = h.server.all('contacts')[0]!;
    const response = await signedGet(`objectType=contacts&objectId=${contact.id}&userId=9&userEmail=rep@example.com&appId=77&portalId=4242`);
    assert.equal(response.status, 200);
    const body = CardMirrorResponse.parse(await response.json());
    assert.deepEqual(body.calls.map((c) => c.callId), ['CA-endpoint']);
  });

  it("lists a deal's AI calls too", async () => {
    const deal = h.server.seed('deals', { dealname: 'Cleaning plan' });
    const call = h.server.all('calls')[0]!;
    h.server.associations.push({ fromType: 'deals', fromId: deal.id, toType: 'calls', toId: call.id, typeId: 205 });
    const response = await signedGet(`objectType=deals&objectId=${deal.id}&portalId=4242`);
    assert.equal(response.status, 200);
    assert.equal(CardMirrorResponse.parse(await response.json()).calls.length, 1);
  });

  it('refuses another portal, a bad query, and an unsigned request', async () => {
    assert.equal((await signedGet('objectType=contacts&objectId=1&portalId=999')).status, 403);
    assert.equal((await signedGet('objectType=companies&objectId=1&portalId=4242')).status, 400);
    assert.equal((await fetch(`${base}/hubspot/card/calls?objectType=contacts&objectId=1&portalId=4242`)).status, 401);
  });

  it('answers 502 when HubSpot fails, so the card shows its error state', async () => {
    h.server.fail({ status: 503, pathIncludes: '/associations/' });
    const contact = h.server.all('contacts')[0]!;
    assert.equal((await signedGet(`objectType=contacts&objectId=${contact.id}&portalId=4242`)).status, 502);
  });
});

describe('card endpoint limits', () => {
  it("pages through every call association and shows the newest calls, not HubSpot's first page", async () => {
    const h = await harness();
    try {
      const contact = h.server.seed('contacts', { phone: '+12125550100' });
      for (let i = 0; i < 520; i++) {
        const day = String(1 + (i % 28)).padStart(2, '0');
        const call = h.server.seed('calls', { ai_call_id: `CA-page-${i}`, hs_timestamp: `2026-0${1 + Math.floor(i / 100)}-${day}T10:00:00.000Z`, hs_call_duration: '1000' });
        h.server.link('contacts', contact.id, 'calls', call.id);
      }
      const before = h.server.requests.length;
      const response = await cardCalls(h.api, CardCallsQuery.parse({ objectType: 'contacts', objectId: contact.id }));
      const pages = h.server.requests.slice(before).filter((r) => r.path.includes('/associations/calls'));
      assert.equal(pages.length, 2, 'two pages of at most 500');
      assert.equal(response.calls.length, 20);
      assert.ok(response.calls.every((c) => (c.startedAt ?? '') >= '2026-06-01'), 'the newest calls (the last created), newest first');
      assert.deepEqual([...response.calls].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')), response.calls);
    } finally {
      await h.close();
    }
  });

  it("answers at once with the reason when the portal's budget is spent, instead of queueing behind deliveries", async () => {
    const h = await harness();
    try {
      const contact = h.server.seed('contacts', { phone: '+12125550101' });
      const api = new HubSpotApi({ accessToken: h.server.accessToken, basePath: h.server.url, limiter: new PortalLimiter({ perTenSeconds: 3, headroom: 1 }) });
      // Deliveries have taken the portal's 10-second budget.
      for (let i = 0; i < 3; i++) await api.limiter.acquire({ search: false });
      const app = express();
      app.get('/calls', cardCallsHandler(api, '1'));
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const started = Date.now();
        const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/calls?objectType=contacts&objectId=${contact.id}&portalId=1`);
        assert.ok(Date.now() - started < 2_000, 'within the card budget');
        assert.equal(response.status, 503);
        assert.ok(Number(response.headers.get('retry-after')) > 0);
        assert.match(((await response.json()) as { error: string }).error, /budget is spent for now; try again in \d+ s/);
      } finally {
        server.close();
      }
    } finally {
      await h.close();
    }
  });
});
