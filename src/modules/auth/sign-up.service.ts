import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CLIENT_REGISTRAR, type ClientRegistrar } from '../../common/security/client-registrar.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { uniqueViolation } from '../../common/errors/unique-violation.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { format } from '../../common/i18n/language.js';
import { MESSAGES } from './auth.messages.js';
import type { ClientType } from './entities/user.entity.js';
import { PasswordService } from './password.service.js';

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
}

/** Creates user accounts: the user group, the default area and interface, argon2id password. */
@Injectable()
export class SignUpService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly passwords: PasswordService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * With `manager`, inside the caller's transaction (a failure later undoes the account too). With
   * `client`, the account's client document is created in the same transaction (seed 002 sign up) and its id
   * answered; without, `id` is null.
   */
  async signUp(input: SignUp, opts: { manager?: EntityManager; client?: boolean } = {}): Promise<{ id: number | null; userid: number }> {
    const { manager } = opts;
    const email = input.email?.trim() || null;
    const phone = input.phone?.trim() || null;
    const n = input.name ?? {};
    const fullName = n.name?.trim() || [n.last, n.first, n.middle].filter(Boolean).join(' ') || input.username;
    const hash = await this.passwords.hash(input.password);
    try {
      const create = async (m: EntityManager) => {
        const [row] = await m.query<{ id: string }[]>(
          `INSERT INTO app_user (username, password_hash, type, name, short_name, given_name, family_name, patronymic_name, email, phone, info, description,
                                 locale_id, area_id, interface_id)
           SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                  (SELECT id FROM locale WHERE code = 'ru'), (SELECT id FROM area WHERE code = 'default'), (SELECT id FROM interface WHERE sid = 'I:1:0:0')
           RETURNING id`,
          [
            input.username,
            hash,
            input.type,
            fullName,
            n.short || null,
            n.first || null,
            n.last || null,
            n.middle || null,
            email,
            phone,
            input.info ?? null,
            input.description ?? null,
          ],
        );
        await m.query(`INSERT INTO user_group_member (user_id, group_id) SELECT $1, id FROM user_group WHERE code = ANY($2::text[])`, [
          row.id,
          input.groups ?? ['user'],
        ]);
        await m.query(`INSERT INTO area_member (area_id, user_id) SELECT id, $1 FROM area WHERE code = 'default'`, [row.id]);
        const clientId = opts.client
          ? await this.registrar().registerClient(m, {
              userId: row.id,
              username: input.username,
              type: input.type,
              name: input.name,
              email: email ?? undefined,
              phone: phone ?? undefined,
              info: input.info,
              description: input.description,
            })
          : null;
        return { userId: row.id, clientId };
      };
      const { userId, clientId } = manager ? await create(manager) : await this.ds.transaction(create);
      return { id: clientId === null ? null : Number(clientId), userid: Number(userId) };
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
  if (detail.includes('(username)')) return new DomainError('BAD_REQUEST', format(MESSAGES.usernameTaken, { value: values.username }));
  return undefined;
}
