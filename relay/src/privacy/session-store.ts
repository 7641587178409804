// The server side of console sessions: the signed cookie proves who issued it, this table says
// whether it still counts. Sign-out revokes the row, so a copied cookie stops working at once
// on every instance; expired rows are cleared at each sign-in.
import type { Db } from '../store/db.ts';
import type { Session } from './sessions.ts';

export class SessionStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  async open(session: Session): Promise<void> {
    await this.db.query(`delete from console_sessions where expires_at < now() - interval '1 day'`);
    await this.db.query('insert into console_sessions (sid, username, expires_at) values ($1, $2, $3)', [session.sid, session.user, new Date(session.exp)]);
  }

  async isLive(sid: string): Promise<boolean> {
    return (await this.db.query('select 1 from console_sessions where sid = $1 and revoked_at is null and expires_at > now()', [sid])).length === 1;
  }

  async revoke(sid: string): Promise<void> {
    await this.db.query('update console_sessions set revoked_at = now() where sid = $1 and revoked_at is null', [sid]);
  }
}
