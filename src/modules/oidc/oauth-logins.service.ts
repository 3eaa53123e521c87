import { Injectable } from '@nestjs/common';
import { AccountsService, type SessionRef } from '../auth/accounts.service.js';
import { OAuthLoginsRepository } from './oauth-logins.repository.js';

/**
 * The bridge between a browser's oidc-provider session and the session our login page opened (table
 * `oauth_login`): codes, implicit tokens and logout of that browser all act on that one session.
 */
@Injectable()
export class OAuthLoginsService {
  constructor(
    private readonly repo: OAuthLoginsRepository,
    private readonly accounts: AccountsService,
  ) {}

  link(providerSessionUid: string, sessionId: string): Promise<void> {
    return this.repo.link(providerSessionUid, sessionId);
  }

  /** The usable session this browser session signed in to, or undefined (never linked, closed or run out since). */
  async openSession(providerSessionUid: string | undefined): Promise<SessionRef | undefined> {
    if (!providerSessionUid) return undefined;
    const sessionId = await this.repo.sessionOf(providerSessionUid);
    return sessionId ? this.accounts.usableSession(sessionId) : undefined;
  }

  /** Ends the session this browser session signed in to (logout). */
  async close(providerSessionUid: string): Promise<void> {
    const sessionId = await this.repo.sessionOf(providerSessionUid);
    if (sessionId) await this.accounts.closeSession(sessionId);
  }

  /** Links older than the longest a provider session lives are of no use any more. */
  purge(olderThanSeconds: number): Promise<void> {
    return this.repo.purgeOlderThan(olderThanSeconds);
  }
}
