// The relay config file's JSON Schema, made from the zod schema the relay validates it with, so
// editors complete and check config files by the same rules. `npm run generate:config-schema`
// writes it to config/relay.schema.json; a test fails when the committed file is stale.
import { z } from 'zod';
import { RelayFile } from './config.ts';

export const configSchemaPath = new URL('../../config/relay.schema.json', import.meta.url);

export function relayConfigJsonSchema(): string {
  // io 'input': what a person writes (defaults optional), not what the relay holds after parsing.
  const schema = z.toJSONSchema(RelayFile, { io: 'input' });
  return `${JSON.stringify({ ...schema, title: 'AI Call Sync relay configuration (RELAY_CONFIG)' }, null, 2)}\n`;
}

if (import.meta.main) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(configSchemaPath, relayConfigJsonSchema());
}
