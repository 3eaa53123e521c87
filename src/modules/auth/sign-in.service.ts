import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { format } from '../../common/i18n/language.js';
import { sha256Hex } from '../../common/security/hash.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { MESSAGES } from './auth.messages.js';
import { BasicCredentialsCache } from './basic-credentials.cache.js';
import type { User } from './entities/user.entity.js';
import { OpenSessionCache } from './open-session.cache.js';
import { PasswordService } from './password.service.js';
import { secretCodeDigest } from './secret-code.js';
import { SessionsRepository } from './sessions.repository.js';
import { type LoginField, UsersRepository } from './users.repository.js';

/**
 * A login (username, email or phone) and password, a user's secret code alone (seed 002, password grant), or a
 * user (found by the caller from the portal's tab_no or e-mail; undefined: nobody) and the PIN of seed 001.
 */
export type Credentials =
  | { field: LoginField; login: string; password: string }
  | { field: 'secret'; secret: string }
  | { field: 'pin'; userId: string | undefined; pin: string };

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
  /** The one-time authorization code of the new session (empty when `authCode: false`). */
  code: string;
}

export interface SignInOptions {
  /**
   * Reuse the user's open session for this purpose instead of opening one per sign-in (HTTP Basic: one per
   * user and client address): the key is derived from it and the user.
   */
  reuse?: string;
  /** Issue the one-time authorization code (default true). */
  authCode?: boolean;
}

type Refusal = { ok: false; error: DomainError; locked?: string };
type Attempt = { ok: true; signedIn: SignedIn; closed: string[] } | Refusal;

/** Event log codes of the identity module. */
export const AUTH_EVENTS = { signIn: 1001, signOut: 1002, badPassword: 2001, locked: 2002, refused: 2003 } as const;

/** SHA1(secret code) as seed 002's sign/in password: 40 hex digits. */
const SHA1_HEX = /^[0-9a-f]{40}$/i;

/** Which login column a typed login names: an e-mail has `@`, a phone is digits (with + ( ) - and spaces). */
export function loginFieldOf(login: string): LoginField {
  if (login.includes('@')) return 'email';
  return /^\+?\d[\d\s()-]{5,}$/.test(login) ? 'phone' : 'username';
}

/**
 * The one credential check behind every password sign-in (sign/in, the login page, the OAuth password grant,
 * HTTP Basic, the legacy logins): lockout after AUTH_LOCK_THRESHOLD failures for AUTH_LOCK_MINUTES, counters,
 * session limit, a session with a one-time authorization code, and the event log. A failed attempt's counters
 * commit (the refusal is thrown after the transaction); the user's row is locked so concurrent attempts all count.
 *
 * `signInThen` runs more work in the sign-in's own transaction (the password grant writes its refresh token
 * there): if it fails, the session is not opened either. It opens the outermost transaction: call it outside one.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly passwords: PasswordService,
    private readonly events: EventLogService,
    private readonly cache: OpenSessionCache,
    private readonly basicCache: BasicCredentialsCache,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async signIn(credentials: Credentials, origin: RequestOrigin, options: SignInOptions = {}): Promise<SignedIn> {
    return (await this.run(credentials, origin, options, async () => undefined)).signedIn;
  }

  async signInThen<T>(credentials: Credentials, origin: RequestOrigin, then: (signedIn: SignedIn) => Promise<T>): Promise<T> {
    return (await this.run(credentials, origin, {}, then)).result;
  }

  private async run<T>(
    c: Credentials,
    origin: RequestOrigin,
    options: SignInOptions,
    then: (signedIn: SignedIn) => Promise<T>,
  ): Promise<{ signedIn: SignedIn; result: T }> {
    const outcome = await this.uow.run(async (): Promise<(Attempt & { ok: true; result: T }) | Refusal> => {
      const attempt = await this.attempt(c, origin, options);
      return attempt.ok ? { ...attempt, result: await then(attempt.signedIn) } : attempt;
    });
    if (!outcome.ok) {
      if (outcome.locked) this.basicCache.forgetUser(outcome.locked);
      throw outcome.error;
    }
    this.cache.forget(outcome.closed);
    return outcome;
  }

  private async attempt(c: Credentials, origin: RequestOrigin, options: SignInOptions): Promise<Attempt> {
    const { lockMinutes, accessTokenTtl, refreshTokenTtl, authCodeTtl } = this.config.auth;
    // A PIN is four digits: it locks the account after fewer failures than a password does.
    const lockThreshold = c.field === 'pin' ? this.config.auth.pinLockThreshold : this.config.auth.lockThreshold;
    const user =
      c.field === 'secret'
        ? await this.users.lockBySecretCode(secretCodeDigest(c.secret))
        : c.field === 'pin'
          ? c.userId === undefined
            ? undefined
            : await this.users.lockById(c.userId)
          : await this.users.lockByLogin(c.field, c.login);
    if (!user) {
      if (c.field === 'pin') await this.passwords.verify(null, c.pin);
      else if (c.field !== 'secret') await this.passwords.verify(null, c.password);
      return { ok: false, error: new DomainError('UNAUTHORIZED', MESSAGES.signInFailed) };
    }
    const log = (type: 'M' | 'W' | 'E', code: number, text: string, session?: string) =>
      this.events.write({ type, code, category: 'auth', text, userId: user.id, session });

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
    const matches =
      c.field === 'secret' ||
      (c.field === 'pin' ? await this.passwords.verify(user.pinHash, c.pin) : await this.passwordMatches(user, c.field, c.password));
    if (!matches) {
      const lock = errorsSoFar + 1 >= lockThreshold;
      await this.users.recordFailure(user.id, lock, lockedUntil !== null);
      await log(
        'W',
        AUTH_EVENTS.badPassword,
        `Wrong ${c.field === 'pin' ? 'PIN' : 'password'} (${errorsSoFar + 1} of ${lockThreshold}) from ${origin.host ?? 'unknown host'}`,
      );
      if (lock)
        await log('E', AUTH_EVENTS.locked, `Account locked for ${lockMinutes} min after ${errorsSoFar + 1} wrong passwords or PINs`);
      return { ok: false, error: new DomainError('UNAUTHORIZED', MESSAGES.signInFailed), locked: lock ? user.id : undefined };
    }

    await this.users.recordSuccess(user.id, origin.host);
    const fresh = {
      userId: user.id,
      clientId: origin.clientId,
      agent: origin.agent,
      host: origin.host,
      accessTtl: accessTokenTtl,
      refreshTtl: refreshTokenTtl,
    };
    const session =
      options.reuse === undefined
        ? { ...(await this.sessions.create(fresh))!, reused: false }
        : await this.sessions.openReusable({ ...fresh, reuseKey: sha256Hex(`${options.reuse}\0${user.id}`) });
    // The session limit counts the new session; a reused one was counted when it was opened.
    const closed = !session.reused && user.sessionLimit > 0 ? await this.sessions.closeOldest(user.id, user.sessionLimit) : [];
    for (const code of closed) await log('M', AUTH_EVENTS.signOut, 'Session closed: session limit reached', code);
    const code = options.authCode === false ? '' : await this.sessions.createAuthCode(session.id, authCodeTtl);
    await log('M', AUTH_EVENTS.signIn, `Signed in by ${c.field} from ${origin.host ?? 'unknown host'}`, session.code);
    return {
      ok: true,
      signedIn: { userId: user.id, sessionId: session.id, session: session.code, secret: session.secret, code },
      closed,
    };
  }

  /**
   * The password, or (seed 002 "Вход в систему") SHA1 of the user's secret code when the login is the user name
   * (the personal code): compared by digest in constant time before the argon2id check.
   */
  private async passwordMatches(user: User, field: LoginField, password: string): Promise<boolean> {
    if (field === 'username' && user.secretCodeHash && SHA1_HEX.test(password)) {
      const given = Buffer.from(sha256Hex(password.toLowerCase()));
      if (timingSafeEqual(given, Buffer.from(user.secretCodeHash))) return true;
    }
    return this.passwords.verify(user.passwordHash, password);
  }
}
