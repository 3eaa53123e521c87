import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { UserGroupMember } from './entities/memberships.entity.js';
import { User, type ClientType } from './entities/user.entity.js';
import { UserGroup } from './entities/user-group.entity.js';

/** The login columns a sign-in may use. */
export type LoginField = 'username' | 'email' | 'phone';

export interface NewUser {
  username: string;
  passwordHash: string;
  type: ClientType;
  name: string;
  shortName: string | null;
  givenName: string | null;
  familyName: string | null;
  patronymicName: string | null;
  email: string | null;
  phone: string | null;
  info: Record<string, unknown> | null;
  description: string | null;
  system?: boolean;
}

/**
 * Every statement on `app_user` and its memberships. Runs in the ambient unit of work (the caller's
 * transaction, or the pool outside one). TypeORM's query() answers an UPDATE ... RETURNING with [rows, affected].
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get m() {
    return this.uow.manager;
  }

  /** The user with this login, locked for update (counters change under concurrent attempts). */
  async lockByLogin(field: LoginField, value: string): Promise<User | undefined> {
    // `field` is one of three fixed names: the column is picked from a closed set, never from input.
    const column = { username: 'username', email: 'email', phone: 'phone' }[field];
    const rows = await this.m.query<User[]>(`SELECT ${USER_COLUMNS} FROM app_user WHERE ${column} = $1 FOR UPDATE`, [value]);
    return rows[0];
  }

  /** The user with this id, row-locked like a sign-in by login (the PIN sign-in names its user by id). */
  async lockById(id: string): Promise<User | undefined> {
    const rows = await this.m.query<User[]>(`SELECT ${USER_COLUMNS} FROM app_user WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  /** Replaces the user's PIN hash (argon2id). */
  async setPinHash(userId: string, hash: string): Promise<void> {
    await this.m.query(`UPDATE app_user SET pin_hash = $2 WHERE id = $1`, [userId, hash]);
  }

  /** The id of the user with this e-mail, or undefined. */
  async idByEmail(email: string): Promise<string | undefined> {
    const rows = await this.m.query<{ id: string }[]>(`SELECT id FROM app_user WHERE email = $1`, [email]);
    return rows[0]?.id;
  }

  /** The user holding the secret code with this digest, row-locked like a password sign-in. */
  async lockBySecretCode(digest: string): Promise<User | undefined> {
    const rows = await this.m.query<User[]>(`SELECT ${USER_COLUMNS} FROM app_user WHERE secret_code_hash = $1 FOR UPDATE`, [digest]);
    return rows[0];
  }

  /** Replaces the user's secret code (the previous one stops working). */
  async setSecretCode(userId: string, digest: string): Promise<void> {
    await this.m.getRepository(User).update({ id: userId }, { secretCodeHash: digest });
  }

  async find(id: string): Promise<User | undefined> {
    const rows = await this.m.query<User[]>(`SELECT ${USER_COLUMNS} FROM app_user WHERE id = $1`, [id]);
    return rows[0];
  }

  async exists(id: string): Promise<boolean> {
    return this.m.getRepository(User).existsBy({ id });
  }

  /** A wrong password: counters, and the lock when the threshold is reached (`restart`: a lapsed lock starts afresh). */
  async recordFailure(userId: string, lock: boolean, restart: boolean): Promise<void> {
    await this.m.query(
      `UPDATE app_user SET input_error = CASE WHEN $3 THEN 1 ELSE input_error + 1 END, input_error_all = input_error_all + 1,
              input_error_last = now(), status = CASE WHEN $2 THEN 'locked' ELSE status END,
              lock_date = CASE WHEN $2 THEN now() ELSE lock_date END
        WHERE id = $1`,
      [userId, lock, restart],
    );
  }

  async recordSuccess(userId: string, ip: string | null): Promise<void> {
    await this.m.query(
      `UPDATE app_user SET input_error = 0, input_count = input_count + 1, input_last = now(), lc_ip = $2,
              status = CASE WHEN status = 'locked' THEN 'active' ELSE status END, lock_date = NULL
        WHERE id = $1`,
      [userId, ip?.slice(0, 64) ?? null],
    );
  }

  /** A new account with the default locale, area and interface, in `groups` and the default area; its id. */
  async insert(u: NewUser, groups: readonly string[]): Promise<string> {
    const [row] = await this.m.query<{ id: string }[]>(
      `INSERT INTO app_user (username, password_hash, type, name, short_name, given_name, family_name, patronymic_name, email, phone,
                             info, description, system, locale_id, area_id, interface_id)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
              (SELECT id FROM locale WHERE code = 'ru'), (SELECT id FROM area WHERE code = 'default'), (SELECT id FROM interface WHERE sid = 'I:1:0:0')
       RETURNING id`,
      [
        u.username,
        u.passwordHash,
        u.type,
        u.name,
        u.shortName,
        u.givenName,
        u.familyName,
        u.patronymicName,
        u.email,
        u.phone,
        u.info,
        u.description,
        u.system ?? false,
      ],
    );
    await this.m.query(`INSERT INTO user_group_member (user_id, group_id) SELECT $1, id FROM user_group WHERE code = ANY($2::text[])`, [
      row.id,
      groups,
    ]);
    await this.m.query(`INSERT INTO area_member (area_id, user_id) SELECT id, $1 FROM area WHERE code = 'default'`, [row.id]);
    return row.id;
  }

  async delete(id: string): Promise<void> {
    await this.m.getRepository(User).delete({ id });
  }

  async groupsOf(userId: string): Promise<string[]> {
    const rows = await this.m.query<{ code: string }[]>(
      `SELECT g.code FROM user_group_member mb JOIN user_group g ON g.id = mb.group_id WHERE mb.user_id = $1 ORDER BY g.code`,
      [userId],
    );
    return rows.map((r) => r.code);
  }

  /** Adds the user to, or removes it from, the group with this code. */
  async setMembership(userId: string, group: string, member: boolean): Promise<void> {
    const found = await this.m.getRepository(UserGroup).findOneBy({ code: group });
    if (!found) throw new Error(`no user group "${group}"`);
    const members = this.m.getRepository(UserGroupMember);
    if (member) await members.upsert({ userId, groupId: found.id }, ['userId', 'groupId']);
    else await members.delete({ userId, groupId: found.id });
  }

  /** Whether any member of the administrator group exists, serialised across instances for the bootstrap. */
  async lockedAdministratorExists(): Promise<boolean> {
    await this.m.query("SELECT pg_advisory_xact_lock(hashtext('bootstrap_admin'))");
    const [{ exists }] = await this.m.query<{ exists: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM user_group_member mb JOIN user_group g ON g.id = mb.group_id WHERE g.code = 'administrator') AS exists`,
    );
    return exists;
  }
}

export const USER_COLUMNS = `id, username, uuid, password_hash AS "passwordHash", type, name, short_name AS "shortName",
  family_name AS "familyName", given_name AS "givenName", patronymic_name AS "patronymicName", email,
  email_verified AS "emailVerified", phone, phone_verified AS "phoneVerified", session_limit AS "sessionLimit", created,
  locale_id AS "localeId", area_id AS "areaId", interface_id AS "interfaceId", description, picture, info,
  password_change AS "passwordChange", password_not_change AS "passwordNotChange", system, status, lock_date AS "lockDate",
  expiry_date AS "expiryDate", lc_ip AS "lcIp", input_count AS "inputCount", input_last AS "inputLast",
  input_error AS "inputError", input_error_last AS "inputErrorLast", input_error_all AS "inputErrorAll",
  secret_code_hash AS "secretCodeHash", pin_hash AS "pinHash"`;
