// config/relay.schema.json is what editors check config files against: it must say what the
// relay's own zod schema says, and the example config must be a valid config.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { RelayFile } from '../../src/config.ts';
import { configSchemaPath, relayConfigJsonSchema } from '../../src/config-schema.ts';

describe('config/relay.schema.json', () => {
  it('is the JSON Schema of the relay config as the code validates it (npm run generate:config-schema)', () => {
    assert.equal(readFileSync(configSchemaPath, 'utf8'), relayConfigJsonSchema());
  });

  it('is named by the example config, which the relay accepts', () => {
    const example = JSON.parse(readFileSync(new URL('../../../config/relay.example.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    assert.equal(example.$schema, './relay.schema.json');
    assert.ok(RelayFile.safeParse(example).success);
  });
});
