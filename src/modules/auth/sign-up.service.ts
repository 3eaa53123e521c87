import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
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
  ) {}

  /** With `manager`, inside the caller's transaction (a failure later undoes the account too). */
  async signUp(input: SignUp, manager?: EntityManager): Promise<{ id: null; userid: number }> {
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
          [input.username, hash, input.type, fullName, n.short || null, n.first || null, n.last || null, n.middle || null, email, phone, input.info ?? null, input.description ?? null],
        );
        await m.query(`INSERT INTO user_group_member (user_id, group_id) SELECT $1, id FROM user_group WHERE code = ANY($2::text[])`, [row!.id, input.groups ?? ['user']]);
        await m.query(`INSERT INTO area_member (area_id, user_id) SELECT id, $1 FROM area WHERE code = 'default'`, [row!.id]);
        return row!.id;
      };
      const id = manager ? await create(manager) : await this.ds.transaction(create);
      return { id: null, userid: Number(id) };
    } catch (err) {
      throw duplicate(err, { username: input.username, email, phone }) ?? err;
    }
  }
}

/** A unique violation on a login column, as the seed's 400 message. */
function duplicate(err: unknown, values: { username: string; email: string | null; phone: string | null }): DomainError | undefined {
  if (!(err instanceof QueryFailedError) || (err.driverError as { code?: string }).code !== '23505') return undefined;
  const constraint = String((err.driverError as { constraint?: string }).constraint ?? '');
  const detail = String((err.driverError as { detail?: string }).detail ?? '');
  if (constraint === 'uq_app_user_email') return new DomainError('BAD_REQUEST', format(MESSAGES.emailTaken, { value: values.email ?? '' }));
  if (constraint === 'uq_app_user_phone') return new DomainError('BAD_REQUEST', format(MESSAGES.phoneTaken, { value: values.phone ?? '' }));
  if (detail.includes('(username)')) return new DomainError('BAD_REQUEST', format(MESSAGES.usernameTaken, { value: values.username }));
  return undefined;
}
