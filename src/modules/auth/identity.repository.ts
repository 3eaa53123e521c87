import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import type { Language } from '../../common/i18n/language.js';
import { sha256Hex } from '../../common/security/hash.js';
import type { User } from './entities/user.entity.js';

/** The login columns a sign-in may use. */
export type LoginField = 'username' | 'email' | 'phone';

/** What the API guard needs of an open session, in one indexed lookup. */
export interface OpenSession {
  id: string;
  code: string;
  secret: string;
  userId: string;
  username: string;
  clientId: string | null;
  areaId: string;
  operDate: Date | null;
  locale: Language;
  admin: boolean;
  groups: string[];
  updated: Date;
}

export interface NewSession {
  userId: string;
  clientId?: string | null;
  agent: string | null;
  host: string | null;
  accessTtl: number;
  refreshTtl: number;
}

const OPEN_SESSION_SQL = `
  SELECT s.id, s.code, s.secret, s.user_id AS "userId", u.username, s.client_id AS "clientId", l.code AS locale, s.updated,
         s.area_id AS "areaId", s.oper_date AS "operDate",
         coalesce(array_agg(g.code) FILTER (WHERE g.code IS NOT NULL), '{}') AS groups
    FROM session s
    JOIN app_user u ON u.id = s.user_id AND u.status = 'active'
    JOIN locale l ON l.id = s.locale_id
    LEFT JOIN user_group_member m ON m.user_id = u.id
    LEFT JOIN user_group g ON g.id = m.group_id
   WHERE s.code = $1 AND s.closed IS NULL
   GROUP BY s.id, u.id, l.code`;

/**
 * Every query of the identity module: users, sessions, one-time codes and nonces.
 * Note: TypeORM's query() answers an UPDATE ... RETURNING with [rows, affected], hence the destructuring.
 */
@Injectable()
export class IdentityRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly uow: UnitOfWork,
  ) {}

  /** In the unit of work: retried when PostgreSQL rolled it back unapplied (lost connection, deadlock). */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.uow.run(() => work(this.uow.manager));
  }

  /** The user with this login, locked for update (counters change under concurrent attempts). */
  async lockUserByLogin(m: EntityManager, field: LoginField, value: string): Promise<User | undefined> {
    const column = { username: 'username', email: 'email', phone: 'phone' }[field];
    const rows = await m.query<User[]>(`SELECT ${USER_COLUMNS} FROM app_user WHERE ${column} = $1 FOR UPDATE`, [value]);
    return rows[0];
  }

  /** The user holding this secret code (compared by its SHA-256), row-locked like a password sign-in. */
  async lockUserBySecretCode(m: EntityManager, secretCode: string): Promise<User | undefined> {
    const rows = await m.query<User[]>(`SELECT ${USER_COLUMNS} FROM app_user WHERE secret_code_hash = $1 FOR UPDATE`, [
      sha256Hex(secretCode),
    ]);
    return rows[0];
  }

  /** Replaces the user's secret code (the previous one stops working). */
  async setSecretCode(userId: string, secretCode: string): Promise<void> {
    await this.ds.query(`UPDATE app_user SET secret_code_hash = $2 WHERE id = $1`, [userId, sha256Hex(secretCode)]);
  }

  async findUser(id: string, m: EntityManager = this.ds.manager): Promise<User | undefined> {
    const rows = await m.query<User[]>(`SELECT ${USER_COLUMNS} FROM app_user WHERE id = $1`, [id]);
    return rows[0];
  }

  async recordFailure(m: EntityManager, userId: string, lock: boolean): Promise<void> {
    await m.query(
      `UPDATE app_user SET input_error = input_error + 1, input_error_all = input_error_all + 1, input_error_last = now(),
              status = CASE WHEN $2 THEN 'locked' ELSE status END, lock_date = CASE WHEN $2 THEN now() ELSE lock_date END
        WHERE id = $1`,
      [userId, lock],
    );
  }

  async recordSuccess(m: EntityManager, userId: string, ip: string | null): Promise<void> {
    await m.query(
      `UPDATE app_user SET input_error = 0, input_count = input_count + 1, input_last = now(), lc_ip = $2,
              status = CASE WHEN status = 'locked' THEN 'active' ELSE status END, lock_date = NULL
        WHERE id = $1`,
      [userId, ip],
    );
  }

  /** Opens a session with the user's defaults; returns its code and secret. */
  async createSession(m: EntityManager, s: NewSession): Promise<{ id: string; code: string; secret: string }> {
    const code = randomBytes(20).toString('hex');
    const secret = randomBytes(48).toString('base64');
    const rows = await m.query<{ id: string }[]>(
      `INSERT INTO session (code, secret, user_id, client_id, agent, host, locale_id, area_id, interface_id, access_expires, refresh_expires)
       SELECT $1, $2, u.id, $3, $4, $5, u.locale_id, u.area_id, u.interface_id, now() + make_interval(secs => $6), now() + make_interval(secs => $7)
         FROM app_user u WHERE u.id = $8
       RETURNING id`,
      [code, secret, s.clientId ?? null, s.agent?.slice(0, 500) ?? null, s.host?.slice(0, 64) ?? null, s.accessTtl, s.refreshTtl, s.userId],
    );
    return { id: rows[0].id, code, secret };
  }

  /** Closes the oldest open sessions of a user so that at most `keep` remain open. */
  async closeOldestSessions(m: EntityManager, userId: string, keep: number): Promise<string[]> {
    const [rows] = await m.query<[{ code: string }[], number]>(
      `UPDATE session SET closed = now() WHERE id IN (
         SELECT id FROM session WHERE user_id = $1 AND closed IS NULL ORDER BY created DESC, id DESC OFFSET $2
       ) RETURNING code`,
      [userId, keep],
    );
    return rows.map((r) => r.code);
  }

  /** Closes one session, or all of its user's; returns the closed codes. */
  async closeSessions(m: EntityManager, code: string, all: boolean): Promise<string[]> {
    const [rows] = await m.query<[{ code: string }[], number]>(
      all
        ? `UPDATE session SET closed = now() WHERE closed IS NULL AND user_id = (SELECT user_id FROM session WHERE code = $1) RETURNING code`
        : `UPDATE session SET closed = now() WHERE closed IS NULL AND code = $1 RETURNING code`,
      [code],
    );
    return rows.map((r) => r.code);
  }

  async findOpenSession(code: string): Promise<OpenSession | undefined> {
    if (!/^[0-9a-f]{40}$/.test(code)) return undefined;
    const rows = await this.ds.query<OpenSession[]>(OPEN_SESSION_SQL, [code]);
    const row = rows[0];
    return row ? { ...row, admin: row.groups.includes('administrator') } : undefined;
  }

  /** Marks a session as used, at most once a minute, outside any request transaction. */
  async touchSession(id: string): Promise<void> {
    await this.ds.query(`UPDATE session SET updated = now() WHERE id = $1 AND updated < now() - interval '60 seconds'`, [id]);
  }

  /** A one-time authorization code for a session; only its hash is stored. */
  async createAuthCode(m: EntityManager, sessionId: string, ttl: number): Promise<string> {
    const code = randomBytes(48).toString('base64');
    await m.query(`INSERT INTO auth_code (code_hash, session_id, expires) VALUES ($1, $2, now() + make_interval(secs => $3))`, [
      sha256Hex(code),
      sessionId,
      ttl,
    ]);
    return code;
  }

  /** Records (session, nonce); false when it was seen before. */
  async useNonce(sessionId: string, nonce: string): Promise<boolean> {
    const rows = await this.ds.query(`INSERT INTO used_nonce (session_id, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [
      sessionId,
      nonce,
    ]);
    return rows.length === 1;
  }

  async purge(nonceWindowSeconds: number): Promise<void> {
    await this.ds.query(`DELETE FROM used_nonce WHERE seen < now() - make_interval(secs => $1)`, [nonceWindowSeconds * 2]);
    await this.ds.query(`DELETE FROM auth_code WHERE expires < now() - interval '1 day'`);
  }

  async openSessionById(id: string): Promise<{ code: string; userId: string } | undefined> {
    const [row] = await this.ds.query<{ code: string; userId: string }[]>(
      `SELECT s.code, s.user_id AS "userId" FROM session s JOIN app_user u ON u.id = s.user_id AND u.status = 'active'
        WHERE s.id = $1 AND s.closed IS NULL`,
      [id],
    );
    return row;
  }

  /**
   * Consumes a one-time code of /api/v1/sign/in or /api/v1/authenticate: the open session it belongs to, or
   * undefined when the code is unknown, used, expired, or its session closed.
   */
  async redeemAuthCode(code: string): Promise<{ id: string; code: string; userId: string; clientId: string | null } | undefined> {
    const [row] = await this.ds.query<{ id: string; code: string; userId: string; clientId: string | null }[]>(
      `WITH used AS (UPDATE auth_code SET consumed = now() WHERE code_hash = $1 AND consumed IS NULL AND expires > now() RETURNING session_id)
       SELECT s.id, s.code, s.user_id AS "userId", s.client_id AS "clientId" FROM used JOIN session s ON s.id = used.session_id
         JOIN app_user u ON u.id = s.user_id AND u.status = 'active' WHERE s.closed IS NULL`,
      [sha256Hex(code)],
    );
    return row;
  }

  /** Closes a session by id; returns its code when it was open. */
  async closeSessionById(id: string): Promise<string | undefined> {
    const [rows] = await this.ds.query<[{ code: string }[], number]>(
      `UPDATE session SET closed = now() WHERE id = $1 AND closed IS NULL RETURNING code`,
      [id],
    );
    return rows[0]?.code;
  }

  async groupsOf(userId: string, m: EntityManager = this.ds.manager): Promise<string[]> {
    const rows = await m.query<{ code: string }[]>(
      `SELECT g.code FROM user_group_member mb JOIN user_group g ON g.id = mb.group_id WHERE mb.user_id = $1 ORDER BY g.code`,
      [userId],
    );
    return rows.map((r) => r.code);
  }
}

export const USER_COLUMNS = `id, username, password_hash AS "passwordHash", type, name, short_name AS "shortName",
  family_name AS "familyName", given_name AS "givenName", patronymic_name AS "patronymicName", email,
  email_verified AS "emailVerified", phone, phone_verified AS "phoneVerified", session_limit AS "sessionLimit", created,
  locale_id AS "localeId", area_id AS "areaId", interface_id AS "interfaceId", description, picture, info,
  password_change AS "passwordChange", password_not_change AS "passwordNotChange", system, status, lock_date AS "lockDate",
  expiry_date AS "expiryDate", lc_ip AS "lcIp", input_count AS "inputCount", input_last AS "inputLast",
  input_error AS "inputError", input_error_last AS "inputErrorLast", input_error_all AS "inputErrorAll"`;
