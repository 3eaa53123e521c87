import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdentityRepository } from './identity.repository.js';
import { OpenSessionCache } from './open-session.cache.js';
import type { EntityManager } from 'typeorm';
import type { ClientType } from './entities/user.entity.js';
import { type SignUp, SignUpService } from './sign-up.service.js';

/** What other modules may know of a user and a session (the OAuth server's claims and session checks). */
@Injectable()
export class AccountsService {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly cache: OpenSessionCache,
    private readonly signUps: SignUpService,
  ) {}

  /** OpenID Connect standard claims of a user, or undefined. */
  async claims(userId: string): Promise<Record<string, unknown> | undefined> {
    const u = await this.repo.findUser(userId);
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

  /** The open session with this id: its code and user, or undefined once it is closed. */
  async openSession(sessionId: string): Promise<{ code: string; userId: string } | undefined> {
    return this.repo.openSessionById(sessionId);
  }

  /** The open session with this public code: its id and user, or undefined once it is closed. */
  async openSessionByCode(code: string): Promise<{ id: string; userId: string } | undefined> {
    const s = await this.repo.findOpenSession(code);
    return s ? { id: s.id, userId: s.userId } : undefined;
  }

  /** The session behind a one-time sign-in code (consumed by this call), or undefined. */
  redeemSignInCode(code: string): Promise<{ id: string; code: string; userId: string; clientId: string | null } | undefined> {
    return this.repo.redeemAuthCode(code);
  }

  /**
   * A user account for a client document (seed 002: `userid` 0), inside the caller's transaction. It gets an
   * unusable random password: the person signs in once an administrator or a secret code gives them a way.
   */
  async createAccount(
    m: EntityManager,
    a: { username: string; type: ClientType; name?: SignUp['name']; email?: string; phone?: string },
  ): Promise<string> {
    const { userid } = await this.signUps.signUp({ ...a, password: randomBytes(32).toString('base64url') }, { manager: m });
    return String(userid);
  }

  /** Whether a user account exists (inside the caller's transaction when given its manager). */
  async userExists(userId: string, m?: EntityManager): Promise<boolean> {
    return (await this.repo.findUser(userId, m)) !== undefined;
  }

  /** A new secret code for the user (shown once; the previous one stops working). */
  async issueSecretCode(userId: string): Promise<string> {
    const secret = randomBytes(24).toString('base64url');
    await this.repo.setSecretCode(userId, secret);
    return secret;
  }

  /** Closes a session (a reused refresh token revokes what it belonged to). */
  async closeSession(sessionId: string): Promise<void> {
    const code = await this.repo.closeSessionById(sessionId);
    if (code) this.cache.forget([code]);
  }
}
