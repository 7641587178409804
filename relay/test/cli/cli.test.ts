// The command line as an operator meets it: help on stdout with exit 0, misuse exit 2 with the
// usage, failures that name what they tried, and list commands that speak JSON.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { commands } from '../../src/cli/commands.ts';
import { relayEnv, startRelay, type RelayEnv } from '../support/relay-harness.ts';
import type { Relay } from '../../src/pipeline.ts';

const cli = new URL('../../src/cli.ts', import.meta.url).pathname;

async function relay(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { env: { ...process.env, API_TOKEN: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('relay command line', () => {
  it('prints the commands on stdout and exits 0 for --help', async () => {
    const { code, stdout, stderr } = await relay(['--help']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    for (const c of commands) assert.match(stdout, new RegExp(`^  ${c.name} `, 'm'), `--help lists ${c.name}`);
  });

  it('prints the version for --version', async () => {
    const { code, stdout } = await relay(['--version']);
    assert.equal(code, 0);
    assert.match(stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('gives every command a --help of its own on stdout', async () => {
    for (const c of commands) {
      const { code, stdout } = await relay([c.name, '--help']);
      assert.equal(code, 0, `${c.name} --help exits 0`);
      assert.match(stdout, new RegExp(`^usage: relay ${c.name}`), `${c.name} --help prints its usage`);
    }
  });

  it('exits 2 with the usage for an unknown command, action or option', async () => {
    for (const args of [['bogus'], ['dlq', 'bogus'], ['dlq', 'list', '--bogus'], ['keys'], ['calls', 'delete'], ['simulate', '--calls', 'many']]) {
      const { code, stdout, stderr } = await relay(args);
      assert.equal(code, 2, `relay ${args.join(' ')} exits 2`);
      assert.equal(stdout, '', `relay ${args.join(' ')} prints nothing on stdout`);
      assert.match(stderr, /^relay: /, `relay ${args.join(' ')} says what is wrong`);
    }
  });

  it('names the request it tried when the relay cannot be reached', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise((done) => server.close(done));
    const { code, stderr } = await relay(['dlq', 'list', '--url', `http://127.0.0.1:${port}`]);
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`GET http://127\\.0\\.0\\.1:${port}/api/dead-letters: ECONNREFUSED`));
  });

  it('generates a key without loading the relay', async () => {
    const { code, stdout } = await relay(['keys', 'generate']);
    assert.equal(code, 0);
    assert.match(stdout, /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=\n$/);
  });

  describe('against a running relay', () => {
    let setup: RelayEnv;
    let running: { relay: Relay; url: string };
    before(async () => {
      setup = relayEnv({});
      running = await startRelay(setup);
    });
    after(async () => {
      await running.relay.stop();
      await setup.cleanup();
    });

    it('lists dead letters as JSON with --json', async () => {
      const { code, stdout } = await relay(['dlq', 'list', '--json', '--url', running.url]);
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(stdout), { deadLetters: [] });
    });

    it('reads its settings from --env-from', async () => {
      const file = path.join(setup.dataDir, 'relay.env');
      writeFileSync(file, `# where the relay runs\nHOST=127.0.0.1\nPORT=${new URL(running.url).port}\n`);
      const { code, stdout, stderr } = await relay(['dlq', 'list', '--env-from', file, '--json']);
      assert.equal(code, 0, stderr);
      assert.deepEqual(JSON.parse(stdout), { deadLetters: [] });
      const missing = await relay(['--env-from', path.join(setup.dataDir, 'nope.env'), 'dlq', 'list']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cannot read --env-from .*nope\.env: ENOENT/);
    });
  });
});
