// Several relays share one store, and a store outlives a relay version: the migration runner
// refuses a store a newer relay has migrated and a migration edited after it was applied.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDb, SchemaError } from '../../src/store/db.ts';
import { testEngine, testStore } from '../support/db.ts';

describe(`migrations (${testEngine})`, () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'relay-migrations-'));
  const store = testStore(folder);
  const open = () => openDb(store.location, { schema: store.schema });
  after(async () => {
    await store.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('records a checksum for each migration it applies and opens the store again', async () => {
    const db = await open();
    const rows = await db.query<{ name: string; checksum: string }>('select name, checksum from schema_migrations order by name');
    await db.close();
    assert.ok(rows.length >= 7);
    for (const row of rows) assert.match(row.checksum, /^[0-9a-f]{64}$/, `${row.name} has a checksum`);
    await (await open()).close();
  });

  it('refuses a migration edited after it was applied, and names it', async () => {
    const db = await open();
    await db.query(`update schema_migrations set checksum = repeat('0', 64) where name = '001_calls.sql'`);
    await db.close();
    await assert.rejects(open(), (error: Error) => error instanceof SchemaError && /001_calls\.sql was changed after it was applied/.test(error.message));
    const again = await openWithoutMigrations();
    await again.query(`update schema_migrations set checksum = null where name = '001_calls.sql'`);
    await again.close();
    await (await open()).close();
  });

  it('refuses a store migrated by a newer relay', async () => {
    const db = await open();
    await db.query(`insert into schema_migrations (name, checksum) values ('999_from_the_future.sql', repeat('f', 64))`);
    await db.close();
    await assert.rejects(open(), (error: Error) => error instanceof SchemaError && /999_from_the_future\.sql.*newer relay/.test(error.message));
  });

  /** The store as it is, without the runner's checks: to repair what a test broke. */
  async function openWithoutMigrations() {
    if (store.schema) {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: store.location, options: `-c search_path=${store.schema}` });
      await client.connect();
      return { query: (text: string) => client.query(text), close: () => client.end() };
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const lite = new PGlite(store.location);
    return { query: (text: string) => lite.query(text), close: () => lite.close() };
  }
});
