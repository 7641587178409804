// One SQL dialect, two engines: PGlite (Postgres in WASM, a data folder on disk) by default,
// a real PostgreSQL when DATABASE_URL is set so several relay instances share one store.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Db extends Sql {
  readonly engine: 'pglite' | 'postgres';
  /** Runs fn in one transaction; rolls back if it throws. */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * `memory` gives a throwaway PGlite; a postgres:// URL a pool; anything else a data folder.
 * `schema` (PostgreSQL only) keeps the relay's tables in their own schema, which also lets
 * tests share one database without seeing each other's rows.
 */
export async function openDb(location: string, options: { schema?: string } = {}): Promise<Db> {
  const db = /^postgres(ql)?:\/\//.test(location) ? await openPostgres(location, options.schema) : await openPglite(location);
  await migrate(db);
  return db;
}

async function openPglite(location: string): Promise<Db> {
  let dataDir: string | undefined;
  if (location !== 'memory') {
    dataDir = path.resolve(location);
    mkdirSync(dataDir, { recursive: true });
  }
  const lite = await PGlite.create(dataDir);
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Sql => ({
    async query<Row>(text: string, params?: unknown[]) {
      return (await q.query<Row>(text, params)).rows;
    },
    async exec(script: string) {
      await q.exec(script);
    },
  });
  return {
    engine: 'pglite',
    ...wrap(lite),
    tx: (fn) => lite.transaction((t) => fn(wrap(t))),
    close: () => lite.close(),
  };
}

async function openPostgres(url: string, schema?: string): Promise<Db> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Instances starting together race even on "if not exists"; the loser's error means the
    // schema is there.
    await admin
      .query(`create schema if not exists ${schema}`)
      .catch((error: { code?: string }) => {
        if (error.code !== '23505' && error.code !== '42P06') throw error;
      })
      .finally(() => admin.end());
  }
  const pool = new pg.Pool({ connectionString: url, max: 10, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  // An idle client's network error must not crash the relay; the next query reconnects.
  pool.on('error', () => {});
  const wrap = (q: pg.Pool | pg.PoolClient): Sql => ({
    async query<Row>(text: string, params?: unknown[]) {
      return (await q.query(text, params)).rows as Row[];
    },
    async exec(script: string) {
      await q.query(script);
    },
  });
  return {
    engine: 'postgres',
    ...wrap(pool),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(wrap(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

const migrationsDir = new URL('./migrations/', import.meta.url);

/** Applies migrations/NNN_*.sql in order, once each; an advisory lock keeps instances in line. */
async function migrate(db: Db): Promise<void> {
  const files = readdirSync(migrationsDir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort();
  await db.tx(async (sql) => {
    await sql.query('select pg_advisory_xact_lock(872301)');
    await sql.query('create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())');
    const done = new Set((await sql.query<{ name: string }>('select name from schema_migrations')).map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) continue;
      await sql.exec(readFileSync(new URL(file, migrationsDir), 'utf8'));
      await sql.query('insert into schema_migrations (name) values ($1)', [file]);
    }
  });
}
