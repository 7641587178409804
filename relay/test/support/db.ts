// Where relay tests keep their data: a throwaway PGlite by default, or, when TEST_DATABASE_URL
// is set (CI does), a fresh schema on that PostgreSQL server, so the same tests cover both.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const testEngine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

export type TestStore = { location: string; schema: string | undefined; drop(): Promise<void> };

export function testStore(pgliteLocation = 'memory'): TestStore {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return { location: pgliteLocation, schema: undefined, drop: async () => {} };
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    location: url,
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    },
  };
}
