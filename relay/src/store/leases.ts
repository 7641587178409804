// Leases held by a dead process are released at once, not when they run out (5 minutes for a
// call's finalisation, delivery.leaseSeconds for a batch), without ever taking one from a live
// holder:
// - PostgreSQL: each instance holds a session-level advisory lock on its own random key, on a
//   connection of its own, and stamps that key on every lease it takes (`lease_owner`). When a
//   process dies, PostgreSQL ends its session and drops the lock; any instance then releases
//   the leases whose owner holds no lock (at start and every few seconds).
// - PGlite: one process per data folder, which dataFolderLock() guarantees; so whatever lease the
//   store holds at start belonged to a process that is gone, and is released.
// A released call is finalised again (its commit is guarded, so it is analysed and queued once);
// a released batch is sent again, which every sink absorbs (idempotent on the call id).
import { createHash } from 'node:crypto';
import { realpathSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { ConfigError } from '../config.ts';
import type { Db } from './db.ts';

/** The advisory lock namespace (the first of the two int4 keys); the second is the instance's key. */
const NAMESPACE = 872_302;

export type Released = { calls: number; deliveries: number };

export class Leases {
  /** Stamped on every lease this instance takes. */
  readonly owner: number;
  private readonly db: Db;
  private readonly log: Logger;
  private lock: pg.Client | null;
  private closing = false;

  private constructor(db: Db, owner: number, lock: pg.Client | null, log: Logger) {
    this.db = db;
    this.owner = owner;
    this.lock = lock;
    this.log = log;
  }

  /** Takes this instance's key (and on PostgreSQL its lock) and releases the leases of dead holders. */
  static async hold(db: Db, databaseUrl: string | undefined, log: Logger): Promise<Leases> {
    let owner = randomKey();
    let lock: pg.Client | null = null;
    if (db.engine === 'postgres' && databaseUrl) {
      lock = await connectLock(databaseUrl, log);
      // Keys are random; one already held belongs to a live instance, so pick another.
      while (!(await tryLock(lock, owner))) owner = randomKey();
    }
    const leases = new Leases(db, owner, lock, log);
    if (lock) leases.watch(databaseUrl!);
    const released = await leases.releaseDead();
    if (released.calls + released.deliveries > 0) log.info(released, 'released the leases of a relay that stopped without finishing its work');
    return leases;
  }

  /** Releases leases whose holder is gone: on PGlite every lease (only this process uses the store). */
  async releaseDead(): Promise<Released> {
    const pglite = this.db.engine === 'pglite';
    const holderGone = pglite
      ? ''
      : ` and lease_owner is not null and lease_owner <> $1 and not exists (select 1 from pg_locks l where l.locktype = 'advisory'
           and l.classid = ${NAMESPACE} and l.objid::bigint = lease_owner and l.objsubid = 2 and l.granted
           and l.database = (select oid from pg_database where datname = current_database()))`;
    const params = pglite ? [] : [this.owner];
    return this.db.tx(async (sql) => {
      const calls = await sql.query(`update calls set lease_until = null, lease_owner = null where stage = 'completed' and lease_until > now()${holderGone} returning id`, params);
      const deliveries = await sql.query(`update deliveries set lease_until = null, lease_owner = null where status = 'pending' and lease_until > now()${holderGone} returning id`, params);
      return { calls: calls.length, deliveries: deliveries.length };
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.lock?.end().catch(() => {});
  }

  /**
   * A lock connection that drops leaves this instance's leases open to others (at worst, work
   * done twice, which sinks absorb): reconnect and take the same key again.
   */
  private watch(databaseUrl: string): void {
    this.lock?.once('error', (error) => {
      if (this.closing) return;
      this.log.error({ err: error }, 'lost the lease lock connection; reconnecting');
      this.lock = null;
      const retry = async (): Promise<void> => {
        if (this.closing) return;
        try {
          const client = await connectLock(databaseUrl, this.log);
          if (!(await tryLock(client, this.owner))) throw new Error(`lease key ${this.owner} is held by another session`);
          this.lock = client;
          this.watch(databaseUrl);
        } catch (err) {
          this.log.error({ err }, 'could not take the lease lock again; retrying in 5 s');
          setTimeout(() => void retry(), 5_000).unref();
        }
      };
      void retry();
    });
  }
}

const randomKey = () => Math.floor(Math.random() * 2 ** 31);

async function connectLock(databaseUrl: string, log: Logger): Promise<pg.Client> {
  // Keep-alives make a silently vanished peer show as an error rather than a connection that hangs.
  const client = new pg.Client({ connectionString: databaseUrl, keepAlive: true });
  await client.connect();
  client.on('error', (error) => log.debug({ err: error }, 'lease lock connection error'));
  return client;
}

async function tryLock(client: pg.Client, key: number): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [NAMESPACE, key]);
  return rows[0]?.locked === true;
}

/**
 * PGlite does not lock its data folder, and two processes writing one folder corrupt it: hold a
 * Unix socket for the folder while the relay runs. It goes with the process however that ends
 * (on Linux an abstract socket named after the folder; elsewhere a socket file in it, which a
 * later start finds unanswered and replaces). A second relay on the same folder is refused.
 */
export async function dataFolderLock(dataDir: string): Promise<{ release(): Promise<void> }> {
  const folder = realpathSync(dataDir);
  const address =
    process.platform === 'linux' ? `\0ai-call-sync:${createHash('sha256').update(folder).digest('hex').slice(0, 32)}` : path.join(folder, 'relay.lock.sock');
  const refused = () => new ConfigError(`another relay is using the data folder ${folder}: stop it first, or give this one its own DATA_DIR (or DATABASE_URL to share a PostgreSQL)`);
  const listen = () =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((socket) => socket.end());
      server.once('error', reject);
      server.listen(address, () => resolve(server));
    });
  let server: Server;
  try {
    server = await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || process.platform === 'linux') throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? refused() : error;
    // A socket file: left by a relay that died (nobody answers), or held by a live one.
    const alive = await new Promise<boolean>((resolve) => {
      const probe = connect(address, () => (probe.destroy(), resolve(true)));
      probe.once('error', () => resolve(false));
    });
    if (alive) throw refused();
    rmSync(address, { force: true });
    server = await listen();
  }
  server.unref();
  return { release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
