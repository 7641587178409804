// The store's SQL surface behaves the same on both engines: typed parameters and results, a
// failed statement that can be run again, and transactions nothing else can see into.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDb, type Db } from '../../src/store/db.ts';
import { testEngine, testStore } from '../support/db.ts';

describe(`store SQL (${testEngine})`, () => {
  const store = testStore();
  let db: Db;

  before(async () => {
    db = await openDb(store.location, { schema: store.schema });
    await db.exec('create table probe (id text primary key, n integer, tags text[], doc jsonb, at timestamptz, ok boolean)');
  });
  after(async () => {
    await db.close();
    await store.drop();
  });

  it('sends parameters as node-postgres does and parses results by type', async () => {
    const at = new Date('2026-11-21T09:00:00Z');
    await db.query('insert into probe values ($1, $2, $3, $4, $5, $6)', ['a', 7, ['x', 'y "z"', null], JSON.stringify({ k: [1, 2] }), at, true]);
    const [row] = await db.query<{ id: string; n: number; tags: (string | null)[]; doc: unknown; at: Date; ok: boolean }>('select * from probe where id = $1', ['a']);
    assert.deepEqual(row, { id: 'a', n: 7, tags: ['x', 'y "z"', null], doc: { k: [1, 2] }, at, ok: true });
  });

  it('runs a statement again after it failed, and names the failure', async () => {
    const insert = 'insert into probe (id, n) values ($1, $2)';
    await db.query(insert, ['dup', 1]);
    await assert.rejects(db.query(insert, ['dup', 2]), (error: { code?: string }) => error.code === '23505');
    await db.query(insert, ['dup-2', 3]);
    await assert.rejects(db.query('select * from no_such_table'), /no_such_table/);
    await assert.rejects(db.query('select * from no_such_table'), /no_such_table/);
    const [{ n }] = (await db.query<{ n: number }>('select count(*)::int as n from probe where id like $1', ['dup%'])) as [{ n: number }];
    assert.equal(n, 2);
  });

  it('keeps an open transaction to itself and rolls back a failed one whole', async () => {
    let outside: Promise<{ n: number }[]> | undefined;
    await assert.rejects(
      db.tx(async (sql) => {
        await sql.query('insert into probe (id) values ($1)', ['in-tx']);
        // A query from outside while the transaction is open must not see, or join, its work.
        outside = db.query<{ n: number }>("select count(*)::int as n from probe where id = 'in-tx'");
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.equal((await outside!)[0]?.n, 0);
    // A statement that failed inside, even when the callback caught it, fails the transaction.
    await assert.rejects(
      db.tx(async (sql) => {
        await sql.query('insert into probe (id) values ($1)', ['kept?']);
        await sql.query('insert into probe (id) values ($1)', ['a']).catch(() => {});
      }),
    );
    assert.equal((await db.query("select 1 from probe where id = 'kept?'")).length, 0);
  });
});
