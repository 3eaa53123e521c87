import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { sha256Hex } from '../../common/security/hash.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { BasicCredentialsCache } from './basic-credentials.cache.js';
import type { ClientType } from './entities/user.entity.js';
import { OpenSessionCache } from './open-session.cache.js';
import { OpenSessions } from './open-sessions.service.js';
import { PasswordService } from './password.service.js';
import { secretCodeDigest } from './secret-code.js';
import { sessionRefreshable, SessionsRepository, sessionUsable, type UserSession } from './sessions.repository.js';
import { AUTH_EVENTS } from './sign-in.service.js';
import { type SignUp, SignUpService } from './sign-up.service.js';
import { UsersRepository } from './users.repository.js';

/** The group whose members (besides administrators) may create user accounts and bind them to clients. */
export const ACCOUNT_CREATOR = 'account_creator';

/** What another module may know of a person: names, whether they may act, and their groups' codes. */
export interface Person {
  id: string;
  /** The stable public id. */
  uuid: string;
  username: string;
  /** The full name (the account's `name`, or family, given and patronymic names joined). */
  fullName: string;
  familyName: string | null;
  givenName: string | null;
  middleName: string | null;
  /** Neither locked nor expired. */
  active: boolean;
  groups: string[];
}

export interface SessionRef {
  id: string;
  code: string;
  userId: string;
}

/** Clients whose service session a process remembers (a registry's worth; more are looked up each time). */
const MAX_SERVICE_SESSIONS = 1000;

/**
 * What other modules may know of users and sessions (the OAuth server's claims, grants and session checks; the
 * objects module's accounts for client documents). Everything runs in the caller's unit of work.
 */
@Injectable()
export class AccountsService {
  /** The service session each client last used, by client id (checked again through OpenSessions on every use). */
  private readonly serviceSessions = new Map<string, string>();

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly cache: OpenSessionCache,
    private readonly basicCache: BasicCredentialsCache,
    private readonly signUps: SignUpService,
    private readonly openSessions: OpenSessions,
    private readonly passwords: PasswordService,
    private readonly events: EventLogService,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The id of the user with this e-mail, or undefined. */
  userIdByEmail(email: string): Promise<string | undefined> {
    return this.users.idByEmail(email);
  }

  /** Sets the user's PIN (seed 001), kept as an argon2id hash; the PIN sign-in checks it. */
  async setPin(userId: string, pin: string): Promise<void> {
    await this.users.setPinHash(userId, await this.passwords.hash(pin));
  }

  /** The user's open sessions that have not ended, newest first. */
  userSessions(userId: string): Promise<UserSession[]> {
    return this.sessions.openOfUser(userId);
  }

  /**
   * Closes one open session of the user, or all of them (`sessionId` null), as sign-out does: their tokens and
   * signatures stop working at once, and each close goes to the event log. Answers how many were closed.
   */
  async closeUserSessions(userId: string, sessionId: string | null, reason: string): Promise<number> {
    const closed = await this.uow.run(async () => {
      const codes = await this.sessions.closeOfUser(userId, sessionId);
      for (const code of codes)
        await this.events.write({ type: 'M', code: AUTH_EVENTS.signOut, category: 'auth', text: reason, userId, session: code });
      return codes;
    });
    this.cache.forget(closed);
    return closed.length;
  }

  /** OpenID Connect standard claims of a user, or undefined. */
  async claims(userId: string): Promise<Record<string, unknown> | undefined> {
    const u = await this.users.find(userId);
    if (!u) return undefined;
    return {
      sub: u.id,
      preferred_username: u.username,
      name: u.name,
      family_name: u.familyName ?? undefined,
      given_name: u.givenName ?? undefined,
      middle_name: u.patronymicName ?? undefined,
      email: u.email ?? undefined,
      email_verified: u.emailVerified,
      phone_number: u.phone ?? undefined,
      phone_number_verified: u.phoneVerified,
    };
  }

  /** The person with this id, or undefined when there is none (any more). */
  async person(userId: string): Promise<Person | undefined> {
    const [u, groups] = await Promise.all([this.users.find(userId), this.users.groupsOf(userId)]);
    if (!u) return undefined;
    const joined = [u.familyName, u.givenName, u.patronymicName].filter(Boolean).join(' ');
    return {
      id: u.id,
      uuid: u.uuid,
      username: u.username,
      fullName: u.name || joined,
      familyName: u.familyName,
      givenName: u.givenName,
      middleName: u.patronymicName,
      active: u.status === 'active' && (u.expiryDate === null || new Date(u.expiryDate).getTime() > Date.now()),
      groups,
    };
  }

  /** The open session with this id while it is usable (within its idle deadline and its end), or undefined. */
  async usableSession(sessionId: string): Promise<SessionRef | undefined> {
    const s = await this.sessions.findOpenById(sessionId);
    return s && sessionUsable(s) ? { id: sessionId, code: s.code, userId: s.userId } : undefined;
  }

  /** The open session with this id while it may still be refreshed (before its end, idle or not), or undefined. */
  async refreshableSession(sessionId: string): Promise<SessionRef | undefined> {
    const s = await this.sessions.findOpenById(sessionId);
    return s && sessionRefreshable(s) ? { id: sessionId, code: s.code, userId: s.userId } : undefined;
  }

  /** A refresh uses the session again: its idle deadline moves on. */
  async renewSession(sessionId: string): Promise<void> {
    await this.sessions.renew(sessionId);
  }

  /** Records that the legacy token `jti` was renewed (kept until `expires`); false when it had been already. */
  useLegacyToken(jti: string, expires: Date): Promise<boolean> {
    return this.sessions.useLegacyToken(jti, expires);
  }

  /** The usable open session with this public code, or undefined. */
  async usableSessionByCode(code: string): Promise<SessionRef | undefined> {
    const s = await this.sessions.findOpen(code);
    return s && sessionUsable(s) ? { id: s.id, code, userId: s.userId } : undefined;
  }

  /** The open session with this public code while it may still be refreshed, or undefined. */
  async refreshableSessionByCode(code: string): Promise<SessionRef | undefined> {
    const s = await this.sessions.findOpen(code);
    return s && sessionRefreshable(s) ? { id: s.id, code, userId: s.userId } : undefined;
  }

  /** The session behind a one-time sign-in code (consumed by this call), or undefined. */
  redeemSignInCode(code: string): Promise<{ id: string; code: string; userId: string; clientId: string | null } | undefined> {
    return this.sessions.redeemAuthCode(code);
  }

  /**
   * A user account for a client document (seed 002: `userid` 0). It gets an unusable random password: the
   * person signs in once an administrator or a secret code gives them a way.
   */
  async createAccount(a: { username: string; type: ClientType; name?: SignUp['name']; email?: string; phone?: string }): Promise<string> {
    return this.signUps.create({ ...a, password: randomBytes(32).toString('base64url') });
  }

  async userExists(userId: string): Promise<boolean> {
    return this.users.exists(userId);
  }

  /** A new secret code for the user (shown once; the previous one stops working). */
  async issueSecretCode(userId: string): Promise<string> {
    const secret = randomBytes(24).toString('base64url');
    await this.users.setSecretCode(userId, secretCodeDigest(secret));
    return secret;
  }

  /** Closes a session (a reused refresh token revokes what it belonged to). */
  async closeSession(sessionId: string): Promise<void> {
    const code = await this.sessions.closeById(sessionId);
    if (code) this.cache.forget([code]);
  }

  /**
   * A client's service account (a system user `svc:<client_id>` without a password, in the user group); its
   * id. The `svc:` prefix cannot collide with a signed-up login (`:` is not allowed there).
   */
  async createServiceAccount(clientId: string, name: string): Promise<string> {
    return this.signUps.create({ type: 'entity', username: `svc:${clientId}`, password: '', name: { name }, system: true });
  }

  async deleteAccount(userId: string): Promise<void> {
    await this.users.delete(userId);
    this.basicCache.forgetUser(userId);
  }

  async isAccountCreator(userId: string): Promise<boolean> {
    return (await this.users.groupsOf(userId)).includes(ACCOUNT_CREATOR);
  }

  async setAccountCreator(userId: string, allowed: boolean): Promise<void> {
    await this.users.setMembership(userId, ACCOUNT_CREATOR, allowed);
  }

  /**
   * The session a client's service account works in: one per client, reused while usable, opened (for the
   * client_credentials lifetime, a day) when there is none. The one a process used last is checked through the
   * open-session check (its per-process cache, which sign-out and revocation clear), so a busy client's grants
   * read nothing; otherwise each statement stands alone (the reuse key's unique index settles a race).
   */
  async serviceSession(userId: string, clientId: string, ttl: number): Promise<SessionRef> {
    const known = this.serviceSessions.get(clientId);
    if (known) {
      try {
        const s = await this.openSessions.require(known, userId);
        return { id: s.id, code: known, userId };
      } catch {
        this.serviceSessions.delete(clientId);
      }
    }
    const reuseKey = sha256Hex(`service\0${clientId}\0${userId}`);
    const session = await this.sessions.openReusable({
      userId,
      clientId,
      agent: null,
      host: null,
      accessTtl: Math.max(ttl, this.config.auth.accessTokenTtl),
      refreshTtl: this.config.auth.refreshTokenTtl,
      reuseKey,
    });
    if (this.serviceSessions.size >= MAX_SERVICE_SESSIONS) this.serviceSessions.clear();
    this.serviceSessions.set(clientId, session.code);
    return { id: session.id, code: session.code, userId };
  }
}
