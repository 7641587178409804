// One poison event never halts merging: a batch whose import fails is split until the failing
// event is alone, which is set aside in the quarantine (error and sealed payload, shown at
// GET /api/quarantine and in the console), and every other event is merged. The poison events
// here are ones an earlier relay acknowledged before the edge refused them (they are written to
// intake directly, as it wrote them), and a batch whose sealed text was damaged.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IngestEvent } from '../../src/ingest/event.ts';
import { parseGeneric } from '../../src/ingest/generic.ts';
import type { Relay } from '../../src/pipeline.ts';
import { hashPassword } from '../../src/privacy/passwords.ts';
import { genericCall, postCall, relayEnv, startRelay, waitFor, type RelayEnv } from '../support/relay-harness.ts';

const PASSWORD = 'quarantine-operator-passphrase-7';

const event = (fields: Record<string, unknown> = {}): IngestEvent => {
  const e = parseGeneric(genericCall(0, 'q'));
  return { ...e, call: { ...e.call, ...fields } };
};

describe('the quarantine', () => {
  let setup: RelayEnv;
  let relay: Relay;
  let url: string;
  const good = [event(), event()];
  const tooLong = event({ durationSeconds: 3_000_000_000 });
  const yearZero = event({ startedAt: '0000-01-01T00:00:00Z' });

  before(async () => {
    setup = relayEnv({ finalisation: { graceSeconds: 0 } }, { CONSOLE_ADMIN_USER: 'ops', CONSOLE_ADMIN_PASSWORD_HASH: await hashPassword(PASSWORD) });
    ({ relay, url } = await startRelay(setup));
  });
  after(async () => {
    await relay.stop();
    await setup.cleanup();
  });

  it('sets the failing events and an unreadable batch aside and merges every other event', async () => {
    await relay.store.receive([good[0]!, tooLong, good[1]!, yearZero]);
    await relay.db.query(`insert into intake (events, body) values (2, 'enc:v1:gone:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:AAAA')`);
    const after = genericCall(1, 'after-poison');
    assert.equal((await postCall(url, after)).status, 200);
    const ids = [...good.map((e) => e.callId), after.callId];
    await waitFor('the other calls merged', async () => (await relay.db.query('select id from calls where id = any($1)', [ids])).length === 3);
    await waitFor('the intake emptied', async () => (await relay.store.backlog()) === 0);
    const poisoned = await relay.db.query<{ id: string }>('select id from calls where id = any($1)', [[tooLong.callId, yearZero.callId]]);
    assert.deepEqual(poisoned, [], 'nothing of the poison events was merged');
  });

  it('shows each with its error and its payload at GET /api/quarantine, sealed at rest', async () => {
    const res = await fetch(`${url}/api/quarantine`);
    assert.equal(res.status, 200);
    const { entries, total } = (await res.json()) as { total: number; entries: { kind: string; callId: string | null; error: string; payload: unknown }[] };
    assert.equal(total, 3);
    const byCall = new Map(entries.map((e) => [e.callId, e]));
    assert.match(byCall.get(tooLong.callId)!.error, /out of range/);
    assert.deepEqual(byCall.get(tooLong.callId)!.payload, JSON.parse(JSON.stringify(tooLong)), 'the whole event is kept');
    assert.match(byCall.get(yearZero.callId)!.error, /out of range|date\/time/);
    const batch = entries.find((e) => e.kind === 'batch')!;
    assert.match(batch.error, /batch could not be read/);
    const stored = await relay.db.query<{ payload: string }>(`select payload from quarantine where kind = 'event'`);
    for (const row of stored) assert.match(row.payload, /^enc:v1:/, 'the payload is sealed at rest');
    assert.equal((await fetch(`${url}/api/quarantine?kind=nonsense`)).status, 400);
  });

  it('counts them in the metrics, with the merge backlog', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    assert.match(text, /relay_quarantined_total\{kind="event"\} 2/);
    assert.match(text, /relay_quarantined\{kind="event"\} 2/);
    assert.match(text, /relay_quarantined\{kind="batch"\} 1/);
    assert.match(text, /relay_merge_backlog 0/);
  });

  it('lists them in the console', async () => {
    const form = await fetch(`${url}/console/login`);
    const cookies = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const signIn = await fetch(`${url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies },
      body: new URLSearchParams({ _csrf: csrf, user: 'ops', password: PASSWORD, next: '/console/quarantine' }),
    });
    const session = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const page = await (await fetch(`${url}/console/quarantine`, { headers: { cookie: session } })).text();
    assert.match(page, /data-testid="quarantine-count">3 entries/);
    assert.ok(page.includes(tooLong.callId));
  });
});
