// One SQL dialect, two engines: PGlite (Postgres in WASM, a data folder on disk) by default,
// a real PostgreSQL when DATABASE_URL is set so several relay instances share one store.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite, parse, protocol } from '@electric-sql/pglite';
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
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/**
 * A statement failed inside a transaction whose callback went on (it caught the error): Postgres
 * answers the COMMIT with ROLLBACK, and nothing of it was kept.
 */
export class RolledBack extends Error {
  constructor() {
    super('transaction rolled back: a statement in it failed');
  }
}

// node-postgres's conversion of a JS value to the text (or bytes) it sends as a parameter;
// exported by pg, missing from its type definitions.
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): string | Buffer | null } }).utils.prepareValue;

async function openPglite(location: string): Promise<Db> {
  let dataDir: string | undefined;
  if (location !== 'memory') {
    dataDir = path.resolve(location);
    mkdirSync(dataDir, { recursive: true });
  }
  const lite = await PGlite.create(dataDir);
  // Statements are prepared once (below) but planned on every run: PGlite runs no autovacuum and
  // so no ANALYZE, and a generic plan made while a table was empty stays a full scan as it grows.
  await lite.exec('set plan_cache_mode = force_custom_plan');
  // PGlite's own query() makes six calls into the database per statement (it asks for the
  // parameter types before binding); at the relay's small statements that is half their cost.
  // Here each statement is one call: parse, bind, execute and sync in one message, parameters
  // sent as text exactly as node-postgres sends them, so both engines see the same values.
  // Each statement text is also prepared once, by name, so Postgres parses it once rather than
  // on every call (the relay's statements are a fixed set of strings).
  const prepared = new Map<string, string>();
  let statements = 0;
  const statement = async (text: string, params: unknown[] = []) => {
    const s = protocol.serialize;
    let name = prepared.get(text);
    const parts: Uint8Array[] = [];
    if (name === undefined) {
      name = `relay_${statements++}`;
      parts.push(s.parse({ name, text }));
    }
    parts.push(s.bind({ statement: name, values: params.map(prepareValue) }), s.describe({ type: 'P' }), s.execute({}), s.sync());
    let messages;
    try {
      ({ messages } = await lite.execProtocol(Buffer.concat(parts)));
    } catch (error) {
      // A statement that was parsed but failed to run stays prepared; one that failed to parse
      // does not exist. Closing it either way keeps the name free for the next attempt.
      if (!prepared.has(text)) await lite.execProtocol(Buffer.concat([s.close({ type: 'S', name }), s.sync()]), { throwOnError: false });
      throw error;
    }
    prepared.set(text, name);
    return parse.parseResults(messages, lite.parsers)[0];
  };
  const run = async <Row>(text: string, params?: unknown[]) => ((await statement(text, params))?.rows ?? []) as Row[];
  // One statement at a time, and nothing else while a transaction is open: PGlite is a single
  // connection, and a statement slipped in between would become part of that transaction.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = queue.then(fn);
    queue = result.catch(() => {});
    return result;
  };
  const inside: Sql = { query: run, exec: async (script) => void (await lite.exec(script)) };
  return {
    engine: 'pglite',
    query: (text, params) => exclusive(() => run(text, params)),
    exec: (script) => exclusive(() => inside.exec(script)),
    tx: (fn) =>
      exclusive(async () => {
        await statement('begin');
        try {
          const result = await fn(inside);
          if ((await statement('commit'))?.command === 'ROLLBACK') throw new RolledBack();
          return result;
        } catch (error) {
          await statement('rollback').catch(() => {});
          throw error;
        }
      }),
    close: () => exclusive(() => lite.close()),
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
        if ((await client.query('commit')).command === 'ROLLBACK') throw new RolledBack();
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

/** The store cannot be used by this relay as it is; the message says why and what to do. */
export class SchemaError extends Error {}

/** Line endings do not count: a checkout on Windows must not read as an edited migration. */
function checksum(script: string): string {
  return createHash('sha256').update(script.replace(/\r\n/g, '\n')).digest('hex');
}

/**
 * Applies migrations/NNN_*.sql in order, once each; an advisory lock keeps instances in line.
 * Refuses a store that a newer relay has migrated (several instances share one database, and an
 * instance rolled back to an older version would run on tables it does not know) and a migration
 * edited after it was applied (the store would not be what the file says). Migrations applied
 * before checksums were kept get theirs recorded the first time.
 */
async function migrate(db: Db): Promise<void> {
  const files = readdirSync(migrationsDir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const script = readFileSync(new URL(name, migrationsDir), 'utf8');
      return { name, script, checksum: checksum(script) };
    });
  await db.tx(async (sql) => {
    await sql.query('select pg_advisory_xact_lock(872301)');
    await sql.query('create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())');
    await sql.query('alter table schema_migrations add column if not exists checksum text');
    const applied = new Map((await sql.query<{ name: string; checksum: string | null }>('select name, checksum from schema_migrations')).map((r) => [r.name, r.checksum]));
    const known = new Set(files.map((f) => f.name));
    const unknown = [...applied.keys()].filter((name) => !known.has(name)).sort();
    if (unknown.length) throw new SchemaError(`the store has migrations this relay does not have (${unknown.join(', ')}): a newer relay version has upgraded it; run that version or newer`);
    for (const file of files) {
      const recorded = applied.get(file.name);
      if (recorded === undefined) {
        await sql.exec(file.script);
        await sql.query('insert into schema_migrations (name, checksum) values ($1, $2)', [file.name, file.checksum]);
      } else if (recorded === null) {
        await sql.query('update schema_migrations set checksum = $2 where name = $1', [file.name, file.checksum]);
      } else if (recorded !== file.checksum) {
        throw new SchemaError(`migration ${file.name} was changed after it was applied to this store: restore the file as it was and put the change in a new migration`);
      }
    }
  });
}
