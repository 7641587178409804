import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { CardCall as CardMirror, CardCallsResponse as CardMirrorResponse } from '../../../hubspot-project/src/app/cards/calls-response.ts';
import { CardCall, CardCallsQuery, CardCallsResponse, cardCalls } from '../../src/sync/hubspot/card-api.ts';
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
