// What no offline HubSpot command checks about hubspot-project/: `hs project upload` validates
// against schemas it downloads with an account, and `hs project lint` only lints the card code.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RELAY_URL } from '../../../hubspot-project/src/app/cards/relay.ts';
import { scopesUsed } from '../../src/sync/hubspot/operations.ts';

const projectDir = new URL('../../../hubspot-project/', import.meta.url).pathname;
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const project = readJson(path.join(projectDir, 'hsproject.json')) as { name: string; srcDir: string; platformVersion: string };
const srcDir = path.join(projectDir, project.srcDir);

function hsmetaFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(full).isDirectory()) return hsmetaFiles(full);
    return name.endsWith('-hsmeta.json') ? [full] : [];
  });
}

type Meta = { file: string; uid: string; type: string; config: Record<string, unknown> };
const metas: Meta[] = hsmetaFiles(srcDir).map((file) => ({ file, ...(readJson(file) as Omit<Meta, 'file'>) }));
const app = metas.find((m) => m.type === 'app');
const cards = metas.filter((m) => m.type === 'card');

/** Where HubSpot expects each component, relative to srcDir. */
const placement: Record<string, string> = { app: 'app', card: path.join('app', 'cards') };

describe('HubSpot project', () => {
  it('is on a supported platform version with an existing source folder', () => {
    assert.ok(['2025.2', '2026.03'].includes(project.platformVersion), project.platformVersion);
    assert.match(project.name, /^[a-z0-9-]+$/);
    assert.ok(existsSync(srcDir), 'srcDir exists');
  });

  it('has one app and at least one card, each hsmeta file with a stable, valid, unique uid in its folder', () => {
    assert.equal(metas.filter((m) => m.type === 'app').length, 1, 'exactly one app');
    assert.ok(cards.length >= 1);
    const uids = metas.map((m) => m.uid);
    assert.equal(new Set(uids).size, uids.length, 'uids are unique');
    for (const meta of metas) {
      const where = path.relative(srcDir, meta.file);
      assert.match(meta.uid, /^[a-zA-Z0-9_\-.]{1,64}$/, `${where}: uid`);
      assert.ok(meta.type in placement, `${where}: known type ${meta.type}`);
      assert.equal(path.dirname(where), placement[meta.type], `${where}: placed where HubSpot looks for a ${meta.type}`);
      assert.equal(typeof meta.config, 'object', `${where}: config block`);
    }
  });

  it('declares the app with the fields upload requires and only https fetch origins', () => {
    const config = app?.config as { name: string; distribution: string; auth: { type: string; requiredScopes: string[] }; permittedUrls: { fetch: string[] } };
    assert.ok(config.name.length > 0 && config.name.length <= 200);
    assert.ok(['private', 'marketplace'].includes(config.distribution));
    assert.ok(['static', 'oauth'].includes(config.auth.type));
    assert.ok(config.permittedUrls.fetch.length > 0);
    for (const url of config.permittedUrls.fetch) {
      const parsed = new URL(url);
      assert.equal(parsed.protocol, 'https:', url);
      assert.equal(parsed.pathname, '/', `${url}: an origin, no path`);
    }
  });

  it('asks for exactly the scopes the relay uses: required ones up front, the transcript scope as optional', () => {
    const auth = (app?.config as { auth: { requiredScopes: string[]; optionalScopes?: string[] } }).auth;
    const used = scopesUsed();
    // `oauth` is the base scope every app on the developer platform carries.
    assert.deepEqual(auth.requiredScopes.filter((s) => s !== 'oauth').sort(), used.required);
    assert.deepEqual([...(auth.optionalScopes ?? [])].sort(), used.optional);
  });

  it("carries the support block of HubSpot's 2026.03 app template, with https links", () => {
    const support = (app?.config as { support?: Record<string, string> }).support;
    assert.ok(support, 'support block');
    assert.match(support.supportEmail ?? '', /^[^@\s]+@[^@\s]+\.[^@\s]+$/);
    for (const key of ['documentationUrl', 'supportUrl']) assert.equal(new URL(support[key] ?? '').protocol, 'https:', key);
    assert.match(support.supportPhone ?? '', /^\+\d{8,15}$/);
  });

  it('lets the card reach the relay it calls', () => {
    const fetchOrigins = (app?.config as { permittedUrls: { fetch: string[] } }).permittedUrls.fetch.map((u) => new URL(u).origin);
    assert.ok(fetchOrigins.includes(new URL(RELAY_URL).origin), `${RELAY_URL} is in permittedUrls.fetch`);
  });

  it('puts the card on contacts, deals and tickets with an entrypoint that registers it', () => {
    for (const card of cards) {
      const config = card.config as { name: string; location: string; entrypoint: string; objectTypes: string[] };
      assert.ok(config.name.length > 0);
      assert.ok(['crm.record.tab', 'crm.record.sidebar'].includes(config.location), config.location);
      assert.deepEqual([...config.objectTypes].sort(), ['contacts', 'deals', 'tickets']);
      assert.match(config.entrypoint, /^\/app\/cards\/[^/]+\.(tsx|jsx)$/);
      const entry = path.join(srcDir, config.entrypoint);
      assert.ok(existsSync(entry), `${config.entrypoint} exists`);
      assert.match(readFileSync(entry, 'utf8'), /hubspot\.extend</, 'the entrypoint registers the card');
    }
  });

  it('pins the UI extensions SDK and React 18.3.1 in the one card package', () => {
    const cardDirs = new Set(cards.map((c) => path.dirname(c.file)));
    assert.equal(cardDirs.size, 1);
    const pkg = readJson(path.join([...cardDirs][0]!, 'package.json')) as { dependencies: Record<string, string> };
    assert.match(pkg.dependencies['@hubspot/ui-extensions'] ?? '', /^\d+\.\d+\.\d+$/, 'exact version');
    assert.equal(pkg.dependencies.react, '18.3.1');
  });
});
