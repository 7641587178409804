// A NUL (or other text the store cannot take) in any path or query parameter is a 400 naming the
// parameter, on every route, never a 500.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Relay } from '../../src/pipeline.ts';
import { relayEnv, startRelay, type RelayEnv } from '../support/relay-harness.ts';

describe('path and query parameters', () => {
  let setup: RelayEnv;
  let relay: Relay;
  let url: string;

  before(async () => {
    setup = relayEnv({});
    ({ relay, url } = await startRelay(setup));
  });
  after(async () => {
    await relay.stop();
    await setup.cleanup();
  });

  const cases: [string, RegExp][] = [
    ['/api/calls/%00', /path parameter at \/api\/calls\/: .*NUL/],
    ['/api/calls?agent=%00', /query parameter agent: .*NUL/],
    ['/api/calls?agent=a&agent=b%00', /query parameter agent: .*NUL/],
    ['/api/dry-run?callId=%00', /query parameter callId: .*NUL/],
    ['/api/dead-letters?error=%00', /query parameter error: .*NUL/],
    ['/api/quarantine?kind=%00', /query parameter kind: .*NUL/],
    ['/console/calls/%00', /path parameter at \/console\/calls\/: .*NUL/],
    ['/console/calls?agent=x%00', /query parameter agent: .*NUL/],
    ['/t/abc%00def', /path parameter at \/t\/: .*NUL/],
    ['/hubspot/card/calls?phone=%00', /query parameter phone: .*NUL/],
    ['/api/calls/%ED%A0%80', /path parameter at \/api\/calls\/: not valid/],
  ];
  for (const [path, message] of cases) {
    it(`answers ${path} with 400 naming the parameter`, async () => {
      const res = await fetch(url + path, { redirect: 'manual' });
      assert.equal(res.status, 400, `${path} answered ${res.status}`);
      assert.match(((await res.json()) as { error: string }).error, message);
    });
  }

  it('still answers ordinary parameters as before', async () => {
    assert.equal((await fetch(`${url}/api/calls/%E2%82%AC-unknown`)).status, 404);
    assert.equal((await fetch(`${url}/api/calls?agent=front-desk`)).status, 200);
    assert.equal((await fetch(`${url}/api/calls/x`, { method: 'DELETE' })).status, 404);
  });
});
