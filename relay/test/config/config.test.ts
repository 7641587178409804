import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, policyFor } from '../../src/config.ts';

const example = new URL('../../../config/relay.example.json', import.meta.url).pathname;

function withFile(content: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'relay-config-')), 'relay.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('relay configuration', () => {
  it('runs on embedded defaults with no environment at all, with the default sync policy', () => {
    const config = loadConfig({});
    assert.equal(config.env.PORT, 3000);
    assert.deepEqual(config.file.integrations.salesforce.policy, { summary: true, transcriptLink: true, transcript: false, recordingLink: false, metadataOnly: false });
    assert.equal(config.file.retention.transcriptDays, 90);
  });

  it('accepts the shipped example and applies per-agent overrides', () => {
    const config = loadConfig({ RELAY_CONFIG: example });
    assert.equal(policyFor(config.file.integrations.salesforce, '+18005550123').metadataOnly, true);
    assert.equal(policyFor(config.file.integrations.salesforce, '+18005550199').metadataOnly, false);
    assert.equal(policyFor(config.file.integrations.hubspot, null).recordingLink, true);
    assert.equal(config.file.agents['+18005550123']?.requireConsent, true);
  });

  it('refuses to start with a message that names the bad key', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), (e: unknown) => e instanceof ConfigError && /PORT/.test(e.message));
    assert.throws(() => loadConfig({ PUBLIC_URL: 'not a url' }), (e: unknown) => e instanceof ConfigError && /PUBLIC_URL/.test(e.message));
    assert.throws(() => loadConfig({ DATABASE_URL: 'localhost:5432/relay' }), (e: unknown) => e instanceof ConfigError && /DATABASE_URL/.test(e.message));
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://relay@db:5432/relay' }).env.DATABASE_URL, 'postgres://relay@db:5432/relay');
    const typo = withFile({ integrations: { salesforce: { policy: { sumary: true } } } });
    assert.throws(() => loadConfig({ RELAY_CONFIG: typo }), (e: unknown) => e instanceof ConfigError && /integrations\.salesforce\.policy/.test(e.message) && /sumary/.test(e.message));
    const wrongType = withFile({ delivery: { batchSize: 500 } });
    assert.throws(() => loadConfig({ RELAY_CONFIG: wrongType }), (e: unknown) => e instanceof ConfigError && /delivery\.batchSize/.test(e.message));
    assert.throws(() => loadConfig({ RELAY_CONFIG: '/nonexistent/relay.json' }), (e: unknown) => e instanceof ConfigError && /RELAY_CONFIG/.test(e.message));
  });
});
