// Property: every signed webhook, however hostile, is either refused with a 4xx and stores
// nothing, or acknowledged and then merged into its call or quarantined; never a 5xx, never a
// crash (the relay runs in this process), never a stall: an ordinary call of every platform sent
// after the hostile ones is merged. Webhooks are ordinary ones for each adapter with one field
// replaced by an arbitrary value: out-of-range numbers, odd Unicode (lone surrogates, NUL, astral
// characters), deep nesting, huge strings, unsafe links, odd times. Runs on PGlite, and on
// PostgreSQL when TEST_DATABASE_URL is set. Seeded, so a failure replays.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Relay } from '../../src/pipeline.ts';
import { relayEnv, startRelay, waitFor, type RelayEnv } from '../support/relay-harness.ts';
import { ADAPTERS, ALL_WEBHOOKS_ENV, ordinaryCall, sendSigned, type Adapter } from '../support/signed-webhooks.ts';

const MAX_BODY = 300_000;
const DEEP = '__deep_value__';

/** Where a hostile value may go, per adapter (never the call id: each case is found by it). */
const FIELDS: Record<Adapter, (string | number)[][]> = {
  generic: [['durationSeconds'], ['agentId'], ['startedAt'], ['endedAt'], ['from'], ['transcript', 0, 'text'], ['transcript', 0, 'startMs'], ['metadata', 'x'], ['recordingUrl'], ['summary'], ['consent'], ['status']],
  vapi: [['message', 'durationSeconds'], ['message', 'startedAt'], ['message', 'endedAt'], ['message', 'artifact', 'messages', 0, 'message'], ['message', 'artifact', 'messages', 0, 'secondsFromStart'], ['message', 'analysis', 'structuredData', 'k'], ['message', 'recordingUrl'], ['message', 'call', 'customer', 'number'], ['message', 'endedReason'], ['message', 'type']],
  retell: [['call', 'start_timestamp'], ['call', 'end_timestamp'], ['call', 'agent_id'], ['call', 'transcript_object', 0, 'content'], ['call', 'call_analysis', 'custom_analysis_data', 'k'], ['call', 'recording_url'], ['call', 'direction'], ['event']],
  'twilio-form': [['CallDuration'], ['Timestamp'], ['From'], ['To'], ['SequenceNumber'], ['Direction'], ['CallStatus'], ['Padding']],
  'twilio-json': [['CallDuration'], ['Timestamp'], ['From'], ['SequenceNumber'], ['Padding']],
};

const hostileValue = fc.oneof(
  fc.constantFrom(3e9, 1e12, 1e20, -1, 99_999_999_999_999, Number.MAX_SAFE_INTEGER, 2 ** 31, 0.5, 1e308),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('front\ud800desk', '\udc00', 'cut \ud83d', 'a\u0000b', '\u0000', 'javascript:alert(document.cookie)', 'data:text/html,x', 'http://example.com/r.mp3', 'https://recordings.example.com/r.mp3'),
  fc.constantFrom('0000-01-01T00:00:00Z', '2026-01-01T00:00:00+23:59', '9999-12-31T23:59:59Z', '1999-12-31T23:59:59Z', 'Sat, 01 Jan 0000 00:00:00 GMT', 'not a time', new Date().toISOString()),
  fc.integer({ min: 1, max: 3_000 }).map((depth) => ({ deep: depth })),
  fc.integer({ min: 1_000, max: 400_000 }).map((n) => 'x'.repeat(n)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.boolean(),
  fc.constant(null),
);

function setPath(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = typeof path[path.indexOf(key) + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

type Case = { adapter: Adapter; path: (string | number)[]; value: unknown };

/** The webhook's body: an ordinary one with the hostile value in place; deep values spliced in as text. */
function build(c: Case): { callId: string; body: string | Record<string, string> } {
  const { callId, body } = ordinaryCall(c.adapter);
  const deep = typeof c.value === 'object' && c.value !== null && 'deep' in c.value ? (c.value as { deep: number }).deep : null;
  if (c.adapter === 'twilio-form') {
    const params = { ...(body as Record<string, string>) };
    params[String(c.path[0])] = deep !== null ? '['.repeat(deep) + ']'.repeat(deep) : typeof c.value === 'string' ? c.value : JSON.stringify(c.value);
    return { callId, body: params };
  }
  const parsed = JSON.parse(body as string) as Record<string, unknown>;
  setPath(parsed, c.path, deep !== null ? DEEP : c.value);
  let text = JSON.stringify(parsed);
  if (deep !== null) text = text.replace(`"${DEEP}"`, '{"a":'.repeat(deep) + '1' + '}'.repeat(deep));
  return { callId, body: text };
}

describe(`arbitrary signed webhooks (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let setup: RelayEnv;
  let relay: Relay;
  let url: string;

  before(async () => {
    setup = relayEnv({ finalisation: { graceSeconds: 0 } }, { ...ALL_WEBHOOKS_ENV, MAX_BODY_BYTES: String(MAX_BODY) });
    ({ relay, url } = await startRelay(setup));
  });
  after(async () => {
    await relay.stop();
    await setup.cleanup();
  });

  it('refuses each with a 4xx storing nothing, or acknowledges it and merges or quarantines it; an ordinary call after them is merged', async () => {
    const refused: string[] = [];
    const accepted: string[] = [];
    const arbitraryCase = fc.constantFrom(...ADAPTERS).chain((adapter) => fc.record({ adapter: fc.constant(adapter), path: fc.constantFrom(...FIELDS[adapter]), value: hostileValue }));
    await fc.assert(
      fc.asyncProperty(arbitraryCase, async (c) => {
        const { callId, body } = build(c);
        const { status, error, result } = await sendSigned(url, c.adapter, body);
        assert.ok(status === 200 || (status >= 400 && status < 500), `${c.adapter} ${c.path.join('.')} answered ${status}: ${error}`);
        if (status !== 200) refused.push(callId);
        else if (result === 'accepted') accepted.push(callId);
      }),
      { numRuns: 150, seed: 1402 },
    );
    assert.ok(refused.length > 0 && accepted.length > 0, `both outcomes occur (${refused.length} refused, ${accepted.length} accepted)`);

    const ordinary = ADAPTERS.map((adapter) => ({ adapter, ...ordinaryCall(adapter) }));
    for (const o of ordinary) assert.equal((await sendSigned(url, o.adapter, o.body)).status, 200);
    await waitFor('the ordinary calls merged', async () => (await relay.db.query('select id from calls where id = any($1)', [ordinary.map((o) => o.callId)])).length === ordinary.length);
    await waitFor('the intake emptied', async () => (await relay.store.backlog()) === 0);

    const merged = new Set((await relay.db.query<{ id: string }>('select id from calls where id = any($1)', [[...accepted, ...refused]])).map((r) => r.id));
    const quarantined = new Set((await relay.db.query<{ call_id: string }>('select call_id from quarantine where call_id = any($1)', [[...accepted, ...refused]])).map((r) => r.call_id));
    const events = new Set((await relay.db.query<{ call_id: string }>('select call_id from call_events where call_id = any($1)', [refused])).map((r) => r.call_id));
    for (const id of refused) assert.ok(!merged.has(id) && !quarantined.has(id) && !events.has(id), `refused ${id} stored nothing`);
    for (const id of accepted) assert.ok(merged.has(id) || quarantined.has(id), `accepted ${id} merged or quarantined`);
  });
});
