import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { format } from '../../common/i18n/language.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { MESSAGES } from './auth.messages.js';
import { IdentityRepository, type LoginField } from './identity.repository.js';
import { OpenSessionCache } from './open-session.cache.js';
import { PasswordService } from './password.service.js';

/** A login (username, email or phone) and password, or a user's secret code alone (seed 002, password grant). */
export type Credentials = { field: LoginField; login: string; password: string } | { field: 'secret'; secret: string };

export interface RequestOrigin {
  agent: string | null;
  host: string | null;
  clientId?: string | null;
}

export interface SignedIn {
  userId: string;
  sessionId: string;
  session: string;
  secret: string;
  code: string;
}

type Outcome = { ok: true; signedIn: SignedIn; closed: string[] } | { ok: false; error: DomainError };

/** Event log codes of the identity module. */
export const AUTH_EVENTS = { signIn: 1001, signOut: 1002, badPassword: 2001, locked: 2002, refused: 2003 } as const;

/**
 * The one credential check behind every password sign-in (sign/in, the OAuth password grant, the legacy
 * logins): lockout after AUTH_LOCK_THRESHOLD failures for AUTH_LOCK_MINUTES, counters, session limit,
 * a new session with a one-time authorization code, and the event log. Counter updates commit even when the
 * sign-in fails; the user's row is locked so concurrent attempts all count.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly passwords: PasswordService,
    private readonly events: EventLogService,
    private readonly cache: OpenSessionCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async signIn(credentials: Credentials, origin: RequestOrigin): Promise<SignedIn> {
    const outcome = await this.repo.transaction((m) => this.attempt(m, credentials, origin));
    if (!outcome.ok) throw outcome.error;
    this.cache.forget(outcome.closed);
    return outcome.signedIn;
  }

  private async attempt(m: EntityManager, c: Credentials, origin: RequestOrigin): Promise<Outcome> {
    const { lockThreshold, lockMinutes, accessTokenTtl, refreshTokenTtl, authCodeTtl } = this.config.auth;
    const user =
      c.field === 'secret' ? await this.repo.lockUserBySecretCode(m, c.secret) : await this.repo.lockUserByLogin(m, c.field, c.login);
    if (!user) {
      if (c.field !== 'secret') await this.passwords.verify(null, c.password);
      return { ok: false, error: new DomainError('UNAUTHORIZED', MESSAGES.signInFailed) };
    }
    const log = (type: 'M' | 'W' | 'E', code: number, text: string, session?: string) =>
      this.events.write({ type, code, category: 'auth', text, userId: user.id, session }, m);

    if (user.status === 'expired' || (user.expiryDate && user.expiryDate.getTime() < Date.now())) {
      await log('W', AUTH_EVENTS.refused, `Sign-in refused: account expired (${origin.host ?? 'unknown host'})`);
      return { ok: false, error: new DomainError('FORBIDDEN', MESSAGES.userExpired) };
    }
    const lockedUntil = user.status === 'locked' && user.lockDate ? new Date(user.lockDate.getTime() + lockMinutes * 60_000) : null;
    if (lockedUntil && lockedUntil.getTime() > Date.now()) {
      await log('W', AUTH_EVENTS.refused, `Sign-in refused: account locked until ${lockedUntil.toISOString()}`);
      return { ok: false, error: new DomainError('FORBIDDEN', format(MESSAGES.userLocked, { until: lockedUntil.toISOString() })) };
    }
    // A lock that has run out starts the count afresh.
    const errorsSoFar = lockedUntil ? 0 : user.inputError;
    // A secret code found its user by itself; a password is checked against the user's hash.
    if (c.field !== 'secret' && !(await this.passwords.verify(user.passwordHash, c.password))) {
      const lock = errorsSoFar + 1 >= lockThreshold;
      if (lockedUntil) await m.query(`UPDATE app_user SET input_error = 0 WHERE id = $1`, [user.id]);
      await this.repo.recordFailure(m, user.id, lock);
      await log(
        'W',
        AUTH_EVENTS.badPassword,
        `Wrong password (${errorsSoFar + 1} of ${lockThreshold}) from ${origin.host ?? 'unknown host'}`,
      );
      if (lock) await log('E', AUTH_EVENTS.locked, `Account locked for ${lockMinutes} min after ${lockThreshold} wrong passwords`);
      return { ok: false, error: new DomainError('UNAUTHORIZED', MESSAGES.signInFailed) };
    }

    await this.repo.recordSuccess(m, user.id, origin.host);
    const closed = user.sessionLimit > 0 ? await this.repo.closeOldestSessions(m, user.id, user.sessionLimit - 1) : [];
    for (const code of closed) await log('M', AUTH_EVENTS.signOut, 'Session closed: session limit reached', code);
    const session = await this.repo.createSession(m, {
      userId: user.id,
      clientId: origin.clientId,
      agent: origin.agent,
      host: origin.host,
      accessTtl: accessTokenTtl,
      refreshTtl: refreshTokenTtl,
    });
    const code = await this.repo.createAuthCode(m, session.id, authCodeTtl);
    await log('M', AUTH_EVENTS.signIn, `Signed in by ${c.field} from ${origin.host ?? 'unknown host'}`, session.code);
    return { ok: true, signedIn: { userId: user.id, sessionId: session.id, session: session.code, secret: session.secret, code }, closed };
  }
}
