import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsService } from '../auth/accounts.service.js';

export interface LoginSession {
  id: string;
  code: string;
  userId: string;
}

/**
 * The bridge between a browser's oidc-provider session and the session our login page opened (table
 * `oauth_login`): codes, implicit tokens and logout of that browser all act on that one session.
 */
@Injectable()
export class OAuthLoginsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly accounts: AccountsService,
  ) {}

  async link(providerSessionUid: string, sessionId: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO oauth_login (provider_session_uid, session_id) VALUES ($1, $2)
       ON CONFLICT (provider_session_uid) DO UPDATE SET session_id = EXCLUDED.session_id, created = now()`,
      [providerSessionUid, sessionId],
    );
  }

  /** The open session this browser session signed in to, or undefined (never linked, or closed since). */
  async openSession(providerSessionUid: string | undefined): Promise<LoginSession | undefined> {
    if (!providerSessionUid) return undefined;
    const [row] = await this.ds.query<{ sessionId: string }[]>(
      `SELECT session_id AS "sessionId" FROM oauth_login WHERE provider_session_uid = $1`,
      [providerSessionUid],
    );
    if (!row) return undefined;
    const open = await this.accounts.openSession(row.sessionId);
    return open ? { id: row.sessionId, ...open } : undefined;
  }

  /** Ends the session this browser session signed in to (logout); returns whether one was open. */
  async close(providerSessionUid: string): Promise<boolean> {
    const session = await this.openSession(providerSessionUid);
    if (!session) return false;
    await this.accounts.closeSession(session.id);
    return true;
  }

  /** Links older than the longest a provider session lives are of no use any more. */
  async purge(olderThanSeconds: number): Promise<void> {
    await this.ds.query(`DELETE FROM oauth_login WHERE created < now() - make_interval(secs => $1)`, [olderThanSeconds]);
  }
}
