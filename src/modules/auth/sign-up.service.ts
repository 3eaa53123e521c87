import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { uniqueViolation } from '../../common/errors/unique-violation.js';
import { format } from '../../common/i18n/language.js';
import { CLIENT_REGISTRAR, type ClientRegistrar } from '../../common/security/client-registrar.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { MESSAGES } from './auth.messages.js';
import type { ClientType } from './entities/user.entity.js';
import { PasswordService } from './password.service.js';
import { UsersRepository } from './users.repository.js';

export interface SignUp {
  type: ClientType;
  username: string;
  password: string;
  name?: { name?: string; short?: string; first?: string; last?: string; middle?: string };
  phone?: string;
  email?: string;
  info?: Record<string, unknown>;
  description?: string;
  /** Groups to join (default: user). */
  groups?: string[];
  /** A system account (a client's service account): no password of its own. */
  system?: boolean;
  /** The bootstrap administrator's configured password: the operator's choice, not held to PASSWORD_MIN_LENGTH. */
  operatorPassword?: boolean;
}

/** What seed 002's sign-up body may leave out: the login (the e-mail then) and the password (generated then). */
export type SignUpRequest = Omit<SignUp, 'username' | 'password'> & { username?: string; password?: string };

/** Marks an account that has no password: no argon2id hash is `!`, so no password ever matches. */
export const NO_PASSWORD = '!';

/** Creates user accounts: the user group, the default area and interface, argon2id password. */
@Injectable()
export class SignUpService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly moduleRef: ModuleRef,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** PASSWORD_MIN_LENGTH, the one rule for a password being set: a 400 naming `password` otherwise. */
  checkPassword(password: string): void {
    const min = this.config.auth.passwordMinLength;
    if ([...password].length >= min) return;
    const text = format(MESSAGES.passwordTooShort, { min });
    throw new DomainError('VALIDATION_FAILED', text, { fields: { password: [text.en] } });
  }

  /**
   * Seed 002's `sign/up`: the account and its client document in one transaction; `id` is the client's. Without
   * `username` the e-mail is the login; without `password` one is generated and answered, this once.
   */
  async register(input: SignUpRequest): Promise<{ id: number; userid: number; password?: string }> {
    const username = input.username ?? input.email?.trim();
    if (!username)
      throw new DomainError('VALIDATION_FAILED', MESSAGES.loginRequired, { fields: { username: [MESSAGES.loginRequired.en] } });
    if (input.password !== undefined) this.checkPassword(input.password);
    const generated = input.password === undefined ? randomBytes(12).toString('base64url') : undefined;
    const { userId, clientId } = await this.uow.run(async () => {
      const id = await this.create({ ...input, username, password: input.password ?? generated! });
      const email = input.email?.trim() || undefined;
      const phone = input.phone?.trim() || undefined;
      const { type, name, info, description } = input;
      const client = await this.registrar().registerClient({ userId: id, username, type, name, email, phone, info, description });
      return { userId: id, clientId: client };
    });
    return { id: Number(clientId), userid: Number(userId), ...(generated ? { password: generated } : {}) };
  }

  /** An account, in the ambient unit of work (a failure later undoes it too); its id. */
  async create(input: SignUp): Promise<string> {
    if (!input.system && !input.operatorPassword) this.checkPassword(input.password);
    const email = input.email?.trim() || null;
    const phone = input.phone?.trim() || null;
    const n = input.name ?? {};
    const fullName = n.name?.trim() || [n.last, n.first, n.middle].filter(Boolean).join(' ') || input.username;
    const passwordHash = input.system ? NO_PASSWORD : await this.passwords.hash(input.password);
    try {
      return await this.users.insert(
        {
          username: input.username,
          passwordHash,
          type: input.type,
          name: fullName.slice(0, 300),
          shortName: n.short || null,
          givenName: n.first || null,
          familyName: n.last || null,
          patronymicName: n.middle || null,
          email,
          phone,
          info: input.info ?? null,
          description: input.description ?? null,
          system: input.system,
        },
        input.groups ?? ['user'],
      );
    } catch (err) {
      throw duplicate(err, { username: input.username, email, phone }) ?? err;
    }
  }

  private registrar(): ClientRegistrar {
    try {
      return this.moduleRef.get<ClientRegistrar>(CLIENT_REGISTRAR, { strict: false });
    } catch {
      throw new Error('sign-up with a client needs the objects module (CLIENT_REGISTRAR)');
    }
  }
}

/** A unique violation on a login column, as the seed's 400 message. */
function duplicate(err: unknown, values: { username: string; email: string | null; phone: string | null }): DomainError | undefined {
  const violation = uniqueViolation(err);
  if (!violation) return undefined;
  const { constraint, detail } = violation;
  if (constraint === 'uq_app_user_email') return new DomainError('BAD_REQUEST', format(MESSAGES.emailTaken, { value: values.email ?? '' }));
  if (constraint === 'uq_app_user_phone') return new DomainError('BAD_REQUEST', format(MESSAGES.phoneTaken, { value: values.phone ?? '' }));
  if (detail.includes('(username)')) {
    // Signed up by e-mail, the login is the e-mail: say so in the seed's words.
    if (values.email && values.username.toLowerCase() === values.email.toLowerCase())
      return new DomainError('BAD_REQUEST', format(MESSAGES.emailTaken, { value: values.email }));
    return new DomainError('BAD_REQUEST', format(MESSAGES.usernameTaken, { value: values.username }));
  }
  return undefined;
}
