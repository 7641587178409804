// The container image, the two-relay compose file and the systemd unit cannot be built or run
// here (no container daemon), so they are parsed and held to the rules they exist for: a
// non-root user, production dependencies only, the data folder as a volume, a health check,
// and files that exist. A real `docker build` is left to a machine with a daemon.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DockerfileParser, type Instruction, type ModifiableInstruction } from 'dockerfile-ast';
import { parse as parseYaml } from 'yaml';

const root = new URL('../../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

describe('Dockerfile', () => {
  const dockerfile = DockerfileParser.parse(read('Dockerfile'));
  const instructions = dockerfile.getInstructions();
  const froms = dockerfile.getFROMs();
  const lastFrom = froms.at(-1)!;
  const final = instructions.filter((i) => i.getRange().start.line > lastFrom.getRange().start.line);
  const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
  const one = (keyword: string) => final.filter((i) => i.getKeyword() === keyword);
  const dockerignore = read('.dockerignore').split('\n').filter((l) => l && !l.startsWith('#'));

  it('pins every base image to a Node version the relay supports', () => {
    for (const from of froms) {
      const tag = from.getImageTag();
      assert.ok(tag && tag !== 'latest', `${from.getImageName()} is pinned to a tag`);
      if (from.getImageName() === 'node') assert.ok(Number(tag.split(/[.-]/)[0]) >= 22, `node:${tag} is Node 22 or newer`);
    }
  });

  it('installs production dependencies only, without install scripts', () => {
    const installs = instructions.filter((i) => i.getKeyword() === 'RUN' && /npm ci\b/.test(i.getArgumentsContent() ?? ''));
    assert.equal(installs.length, 1);
    const install = installs[0]!.getArgumentsContent()!;
    for (const flag of ['--omit=dev', '--ignore-scripts']) assert.ok(install.includes(flag), `npm ci ${flag}`);
  });

  it('runs the relay as a user other than root', () => {
    const users = one('USER');
    assert.equal(users.length, 1);
    assert.doesNotMatch(args(users[0]!)[0]!, /^(root|0)(:|$)/);
    const cmdLine = one('CMD')[0]!.getRange().start.line;
    assert.ok(users[0]!.getRange().start.line < cmdLine, 'USER comes before CMD');
  });

  it('keeps the data folder on a volume', () => {
    const env = one('ENV').flatMap((i) => args(i)).join(' ');
    const dataDir = /DATA_DIR=(\S+)/.exec(env)?.[1];
    assert.ok(dataDir, 'DATA_DIR is set');
    const volumes = one('VOLUME').flatMap((i) => JSON.parse(i.getArgumentsContent()!) as string[]);
    assert.ok(volumes.includes(dataDir), `${dataDir} is a volume`);
  });

  it('checks its health and starts the relay in exec form', () => {
    assert.equal(one('HEALTHCHECK').length, 1);
    assert.match(one('HEALTHCHECK')[0]!.getArgumentsContent()!, /\/healthz/);
    const cmd = JSON.parse(one('CMD')[0]!.getArgumentsContent()!) as string[];
    assert.equal(cmd[0], 'node');
    assert.ok(existsSync(new URL(cmd[1]!, root)), `${cmd[1]} exists`);
  });

  it('copies only files that exist and that .dockerignore lets in', () => {
    for (const copy of instructions.filter((i) => i.getKeyword() === 'COPY')) {
      if ((copy as ModifiableInstruction).getFlags().some((f) => f.getName() === 'from')) continue;
      const parts = args(copy);
      for (const source of parts.slice(0, -1)) {
        assert.ok(existsSync(new URL(source, root)), `COPY ${source}: exists`);
        assert.ok(!dockerignore.some((ignored) => source === ignored || source.startsWith(`${ignored}/`)), `COPY ${source}: not in .dockerignore`);
      }
    }
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(read('compose.yaml')) as { services: Record<string, { build?: string; image?: string; env_file?: string; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; volumes?: string[] }> };
  const relays = Object.entries(compose.services).filter(([, s]) => s.build === '.');

  it('runs two relays on one PostgreSQL', () => {
    assert.equal(relays.length, 2);
    const urls = new Set(relays.map(([, s]) => s.environment?.DATABASE_URL));
    assert.equal(urls.size, 1, 'both relays share one DATABASE_URL');
    const host = new URL([...urls][0]!).hostname;
    assert.match(compose.services[host]?.image ?? '', /^postgres:\d+/);
    for (const [name, service] of relays) {
      assert.equal(service.depends_on?.[host]?.condition, 'service_healthy', `${name} waits for PostgreSQL`);
      assert.equal(service.env_file, 'relay.env', `${name} shares the keys file`);
      assert.ok(service.volumes?.some((v) => v.endsWith(':/data')), `${name} keeps /data on a volume`);
    }
  });

  it('names every setting of its env file in the example', () => {
    const example = read('deploy/relay.env.example');
    for (const key of ['ENCRYPTION_KEY', 'LINK_SIGNING_KEY', 'LOOKUP_KEY', 'API_TOKEN', 'PUBLIC_URL']) assert.match(example, new RegExp(`^${key}=`, 'm'));
  });
});

describe('systemd unit', () => {
  const unit = read('deploy/ai-call-sync-relay.service');
  it('starts the relay as its own user with a stop timeout', () => {
    assert.match(unit, /^User=relay$/m);
    assert.match(unit, /^ExecStart=\/usr\/bin\/node relay\/src\/cli\.ts start$/m);
    assert.ok(existsSync(new URL('relay/src/cli.ts', root)));
    assert.match(unit, /^TimeoutStopSec=\d+$/m);
  });
});
