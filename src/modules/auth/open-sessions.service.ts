import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error.js';
import type { AuthContext } from '../../common/security/auth-context.js';
import { MESSAGES } from './auth.messages.js';
import { OpenSessionCache } from './open-session.cache.js';
import { type OpenSession, SessionsRepository, sessionUsable as usable } from './sessions.repository.js';

/** Sessions are marked as used at most this often (design/auth.md section 5). */
const TOUCH_EVERY_MS = 60_000;

/**
 * The one open-session check every way into the API ends in (bearer and legacy tokens, signatures, Basic):
 * the session is open, its user active, and it is within its lifetime. Closed or unknown: 401; run out (idle
 * past `access_expires`, or past `refresh_expires`): 403 `Token expired`, as the seed answers an expired token.
 * A use moves the idle deadline on, written at most once a minute and outside the request's work.
 */
@Injectable()
export class OpenSessions {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly cache: OpenSessionCache,
  ) {}

  async require(code: string, userId?: string): Promise<OpenSession> {
    let session = this.cache.get(code);
    // A remembered session that looks run out is read again: another instance may have renewed it.
    if (!session || !usable(session)) {
      session = await this.repo.findOpen(code);
      if (session) {
        this.cache.set(session);
        if (usable(session) && Date.now() - session.updated.getTime() > TOUCH_EVERY_MS) void this.repo.touch(session.id).catch(() => {});
      }
    }
    if (!session || (userId !== undefined && session.userId !== userId)) throw invalidToken(MESSAGES.sessionClosed);
    if (!usable(session)) throw new DomainError('TOKEN_EXPIRED', MESSAGES.tokenExpired, { oauthError: 'invalid_token' });
    return session;
  }

  context(s: OpenSession, via: AuthContext['via'], scope: string | null): AuthContext {
    const admin = s.groups.includes('administrator');
    return {
      userId: s.userId,
      username: s.username,
      sessionId: s.id,
      session: s.code,
      clientId: s.clientId,
      scope,
      admin,
      accountCreator: admin || s.groups.includes('account_creator'),
      groups: s.groups,
      areaId: s.areaId,
      operDate: s.operDate,
      language: s.locale,
      via,
    };
  }
}

/** A 401 of the guard; on /oauth2 routes it is RFC 6750's `invalid_token`. */
export function invalidToken(message: { ru: string; en: string } = MESSAGES.invalidToken): DomainError {
  return new DomainError('UNAUTHORIZED', message, { oauthError: 'invalid_token' });
}
