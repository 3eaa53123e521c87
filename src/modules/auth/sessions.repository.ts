import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { prepared } from '../../common/database/prepared-statements.js';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import type { Language } from '../../common/i18n/language.js';
import { compileListQuery, compileWhere } from '../../common/list-query/list-query.compiler.js';
import type { ColumnMap, ListQuery } from '../../common/list-query/list-query.types.js';
import { sha256Hex } from '../../common/security/hash.js';
import { AuthCode } from './entities/auth-code.entity.js';

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
  groups: string[];
  updated: Date;
  accessExpires: Date;
  refreshExpires: Date;
}

/** A session as its user's list shows it (seed 001's sessions callback). */
export interface UserSession {
  id: string;
  agent: string | null;
  host: string | null;
  accessExpires: Date;
  refreshExpires: Date;
  created: Date;
  updated: Date;
}

/** A session's lifetime: usable before its idle deadline and its end; refreshable before its end. */
export interface SessionLifetime {
  accessExpires: Date;
  refreshExpires: Date;
}

export const sessionUsable = (s: SessionLifetime, now = Date.now()) => s.accessExpires.getTime() > now && s.refreshExpires.getTime() > now;
export const sessionRefreshable = (s: SessionLifetime, now = Date.now()) => s.refreshExpires.getTime() > now;

export interface NewSession {
  userId: string;
  clientId?: string | null;
  agent: string | null;
  host: string | null;
  /** Seconds the session stays usable without use (each use moves the deadline on). */
  accessTtl: number;
  /** Seconds after which the session ends, used or not. */
  refreshTtl: number;
  reuseKey?: string | null;
}

/** A session as administrators list it (`admin/session/list|get`). */
export const SESSION_COLUMNS: ColumnMap = {
  id: { sql: 's.id', type: 'integer' },
  code: { sql: 's.code', type: 'text' },
  userid: { sql: 's.user_id', type: 'integer' },
  username: { sql: 'u.username', type: 'text' },
  client_id: { sql: 's.client_id', type: 'text' },
  agent: { sql: 's.agent', type: 'text' },
  host: { sql: 's.host', type: 'text' },
  locale: { sql: '(SELECT l.code FROM locale l WHERE l.id = s.locale_id)', type: 'text' },
  area: { sql: '(SELECT a.code FROM area a WHERE a.id = s.area_id)', type: 'text' },
  interface: { sql: '(SELECT i.sid FROM interface i WHERE i.id = s.interface_id)', type: 'text' },
  oper_date: { sql: 's.oper_date', type: 'timestamp' },
  created: { sql: 's.created', type: 'timestamp' },
  updated: { sql: 's.updated', type: 'timestamp' },
  access_expires: { sql: 's.access_expires', type: 'timestamp' },
  refresh_expires: { sql: 's.refresh_expires', type: 'timestamp' },
  closed: { sql: 's.closed', type: 'timestamp' },
};

/** The nonces of every signed request that arrived in one turn of the event loop; answers those not seen before. */
const USE_NONCES_SQL = prepared(`
  INSERT INTO used_nonce (session_id, nonce) SELECT * FROM unnest($1::bigint[], $2::bigint[])
  ON CONFLICT DO NOTHING RETURNING session_id::text AS "sessionId", nonce::text AS nonce`);

interface PendingNonce {
  sessionId: string;
  nonce: string;
  resolve: (used: boolean) => void;
  reject: (err: unknown) => void;
}

const OPEN_SESSION_SQL = prepared(`
  SELECT s.id, s.code, s.secret, s.user_id AS "userId", u.username, s.client_id AS "clientId", l.code AS locale, s.updated,
         s.area_id AS "areaId", s.oper_date AS "operDate", s.access_expires AS "accessExpires", s.refresh_expires AS "refreshExpires",
         coalesce(array_agg(g.code) FILTER (WHERE g.code IS NOT NULL), '{}') AS groups
    FROM session s
    JOIN app_user u ON u.id = s.user_id AND u.status = 'active'
    JOIN locale l ON l.id = s.locale_id
    LEFT JOIN user_group_member m ON m.user_id = u.id
    LEFT JOIN user_group g ON g.id = m.group_id
   WHERE s.code = $1 AND s.closed IS NULL
   GROUP BY s.id, u.id, l.code`);

/**
 * A use of the session: `updated` and the idle deadline move on together, keeping the session's own idle window
 * (`access_expires - updated`, set when it was opened) whatever kind of session it is.
 */
const USED = `updated = now(), access_expires = now() + (access_expires - updated)`;

const SESSION_CODE = /^[0-9a-f]{40}$/;

/** Every statement on `session`, `auth_code`, `used_nonce` and `used_legacy_token`, in the ambient unit of work. */
@Injectable()
export class SessionsRepository {
  /** Nonces waiting for the next flush, by `session:nonce`. */
  private pendingNonces = new Map<string, PendingNonce>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly ds: DataSource,
  ) {}

  private get m() {
    return this.uow.manager;
  }

  /** Opens a session with the user's defaults; returns its id, code and secret (undefined: its reuse key is taken). */
  async create(s: NewSession): Promise<{ id: string; code: string; secret: string } | undefined> {
    const code = randomBytes(20).toString('hex');
    const secret = randomBytes(48).toString('base64');
    const [row] = await this.m.query<{ id: string }[]>(
      `INSERT INTO session (code, secret, user_id, client_id, agent, host, locale_id, area_id, interface_id, access_expires, refresh_expires, reuse_key)
       SELECT $1, $2, u.id, $3, $4, $5, u.locale_id, u.area_id, u.interface_id,
              now() + make_interval(secs => $6), now() + make_interval(secs => $7), $9
         FROM app_user u WHERE u.id = $8
       ON CONFLICT (reuse_key) WHERE closed IS NULL DO NOTHING
       RETURNING id`,
      [
        code,
        secret,
        s.clientId ?? null,
        s.agent?.slice(0, 500) ?? null,
        s.host?.slice(0, 64) ?? null,
        s.accessTtl,
        s.refreshTtl,
        s.userId,
        s.reuseKey ?? null,
      ],
    );
    return row ? { id: row.id, code, secret } : undefined;
  }

  /**
   * The usable open session with `s.reuseKey`, or a new one with it. A concurrent opener's insert makes ours wait
   * for its commit and do nothing; its session is then the one reused.
   */
  async openReusable(s: NewSession & { reuseKey: string }): Promise<{ id: string; code: string; secret: string; reused: boolean }> {
    for (;;) {
      const open = await this.reusable(s.reuseKey);
      if (open) return { ...open, reused: true };
      const created = await this.create(s);
      if (created) return { ...created, reused: false };
    }
  }

  /**
   * The open session with this reuse key, when it is still usable; one that has run out is closed here, so that
   * a new one may take the key. No row lock: concurrent reusers share the session (the unique index keeps one).
   */
  async reusable(reuseKey: string): Promise<{ id: string; code: string; secret: string; userId: string } | undefined> {
    const [row] = await this.m.query<{ id: string; code: string; secret: string; userId: string; usable: boolean }[]>(
      `SELECT id, code, secret, user_id AS "userId", access_expires > now() AND refresh_expires > now() AS usable
         FROM session WHERE reuse_key = $1 AND closed IS NULL`,
      [reuseKey],
    );
    if (!row) return undefined;
    if (!row.usable) {
      await this.m.query(`UPDATE session SET closed = now() WHERE id = $1 AND closed IS NULL`, [row.id]);
      return undefined;
    }
    return { id: row.id, code: row.code, secret: row.secret, userId: row.userId };
  }

  /** Closes the oldest open sessions of a user so that at most `keep` remain open. */
  async closeOldest(userId: string, keep: number): Promise<string[]> {
    const [rows] = await this.m.query<[{ code: string }[], number]>(
      `UPDATE session SET closed = now() WHERE id IN (
         SELECT id FROM session WHERE user_id = $1 AND closed IS NULL ORDER BY created DESC, id DESC OFFSET $2
       ) RETURNING code`,
      [userId, keep],
    );
    return rows.map((r) => r.code);
  }

  /** Closes one session, or all of its user's; returns the closed codes. */
  async close(code: string, all: boolean): Promise<string[]> {
    const [rows] = await this.m.query<[{ code: string }[], number]>(
      all
        ? `UPDATE session SET closed = now() WHERE closed IS NULL AND user_id = (SELECT user_id FROM session WHERE code = $1) RETURNING code`
        : `UPDATE session SET closed = now() WHERE closed IS NULL AND code = $1 RETURNING code`,
      [code],
    );
    return rows.map((r) => r.code);
  }

  /** The user's open sessions that have not ended, newest first. */
  async openOfUser(userId: string): Promise<UserSession[]> {
    return this.m.query<UserSession[]>(
      `SELECT id, agent, host, access_expires AS "accessExpires", refresh_expires AS "refreshExpires", created, updated
         FROM session WHERE user_id = $1 AND closed IS NULL AND refresh_expires > now() ORDER BY created DESC, id DESC`,
      [userId],
    );
  }

  /** Closes one open session of the user (by id), or all of them (`sessionId` null); returns the closed codes. */
  async closeOfUser(userId: string, sessionId: string | null): Promise<string[]> {
    const [rows] = await this.m.query<[{ code: string }[], number]>(
      `UPDATE session SET closed = now() WHERE user_id = $1 AND closed IS NULL AND ($2::bigint IS NULL OR id = $2::bigint) RETURNING code`,
      [userId, sessionId],
    );
    return rows.map((r) => r.code);
  }

  /** Closes a session by id; returns its code when it was open. */
  async closeById(id: string): Promise<string | undefined> {
    const [rows] = await this.m.query<[{ code: string }[], number]>(
      `UPDATE session SET closed = now() WHERE id = $1 AND closed IS NULL RETURNING code`,
      [id],
    );
    return rows[0]?.code;
  }

  /** The open session with this code (its user active), whether or not its lifetime has run out. */
  async findOpen(code: string): Promise<OpenSession | undefined> {
    if (!SESSION_CODE.test(code)) return undefined;
    const rows = await this.m.query<OpenSession[]>(OPEN_SESSION_SQL, [code]);
    return rows[0];
  }

  /** The open session with this id (its user active): code, user and lifetime. */
  async findOpenById(id: string): Promise<{ code: string; userId: string; accessExpires: Date; refreshExpires: Date } | undefined> {
    const [row] = await this.m.query<{ code: string; userId: string; accessExpires: Date; refreshExpires: Date }[]>(
      `SELECT s.code, s.user_id AS "userId", s.access_expires AS "accessExpires", s.refresh_expires AS "refreshExpires"
         FROM session s JOIN app_user u ON u.id = s.user_id AND u.status = 'active'
        WHERE s.id = $1 AND s.closed IS NULL`,
      [id],
    );
    return row;
  }

  /** Marks a session as used, at most once a minute (never reviving one whose idle deadline has passed). */
  async touch(id: string): Promise<void> {
    await this.m.query(`UPDATE session SET ${USED} WHERE id = $1 AND updated < now() - interval '60 seconds' AND access_expires > now()`, [
      id,
    ]);
  }

  /** A refresh: the session is used again, even after its idle deadline, as long as it has not ended. */
  async renew(id: string): Promise<void> {
    await this.m.query(`UPDATE session SET ${USED} WHERE id = $1 AND closed IS NULL AND refresh_expires > now()`, [id]);
  }

  /** A one-time authorization code for a session; only its hash is stored. */
  async createAuthCode(sessionId: string, ttl: number): Promise<string> {
    const code = randomBytes(48).toString('base64');
    await this.m.getRepository(AuthCode).insert({ codeHash: sha256Hex(code), sessionId, expires: new Date(Date.now() + ttl * 1000) });
    return code;
  }

  /**
   * Consumes a one-time code of /api/v1/sign/in or /api/v1/authenticate: the open, unexpired session it belongs
   * to, or undefined when the code is unknown, used, expired, or its session closed or run out.
   */
  async redeemAuthCode(code: string): Promise<{ id: string; code: string; userId: string; clientId: string | null } | undefined> {
    const [row] = await this.m.query<{ id: string; code: string; userId: string; clientId: string | null }[]>(
      `WITH used AS (UPDATE auth_code SET consumed = now() WHERE code_hash = $1 AND consumed IS NULL AND expires > now() RETURNING session_id)
       SELECT s.id, s.code, s.user_id AS "userId", s.client_id AS "clientId" FROM used JOIN session s ON s.id = used.session_id
         JOIN app_user u ON u.id = s.user_id AND u.status = 'active'
        WHERE s.closed IS NULL AND s.access_expires > now() AND s.refresh_expires > now()`,
      [sha256Hex(code)],
    );
    return row;
  }

  /**
   * Records (session, nonce); false when it was seen before. The signed requests of one turn of the event loop
   * share one INSERT (flushed on setImmediate): under load a statement and its socket write serve several
   * requests, and alone a request waits no longer than before. Always on the pool, never in a caller's
   * transaction: a nonce, once checked, stays used whatever the request then does. The same (session, nonce)
   * twice in one batch: the first is the one that counts.
   */
  useNonce(sessionId: string, nonce: string): Promise<boolean> {
    const key = `${sessionId}:${BigInt(nonce)}`;
    if (this.pendingNonces.has(key)) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      if (this.pendingNonces.size === 0) setImmediate(() => void this.flushNonces());
      this.pendingNonces.set(key, { sessionId, nonce, resolve, reject });
    });
  }

  private async flushNonces(): Promise<void> {
    const batch = this.pendingNonces;
    this.pendingNonces = new Map();
    const pending = [...batch.values()];
    try {
      const rows = await this.ds.query<{ sessionId: string; nonce: string }[]>(USE_NONCES_SQL, [
        pending.map((p) => p.sessionId),
        pending.map((p) => p.nonce),
      ]);
      const fresh = new Set(rows.map((r) => `${r.sessionId}:${r.nonce}`));
      for (const [key, p] of batch) p.resolve(fresh.has(key));
    } catch (err) {
      for (const p of pending) p.reject(err);
    }
  }

  /** Records a legacy token's renewal by its jti, kept until `expires`; false when it was renewed before. */
  async useLegacyToken(jti: string, expires: Date): Promise<boolean> {
    const rows = await this.m.query<unknown[]>(
      `INSERT INTO used_legacy_token (jti, expires) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [jti, expires],
    );
    return rows.length === 1;
  }

  async purge(nonceWindowSeconds: number): Promise<void> {
    await this.m.query(`DELETE FROM used_legacy_token WHERE expires < now()`);
    await this.m.query(`DELETE FROM used_nonce WHERE seen < now() - make_interval(secs => $1)`, [nonceWindowSeconds * 2]);
    await this.m.query(`DELETE FROM auth_code WHERE expires < now() - interval '1 day'`);
  }

  /** Sessions by the list query language, newest first unless ordered otherwise. */
  async list(q: ListQuery): Promise<Record<string, unknown>[]> {
    const c = compileListQuery(q, SESSION_COLUMNS);
    return this.m.query(
      `SELECT ${c.select} FROM session s JOIN app_user u ON u.id = s.user_id
        ${c.where ? `WHERE ${c.where}` : ''} ORDER BY ${c.orderBy ?? 's.created DESC, s.id DESC'}
        LIMIT ${c.limit} OFFSET ${c.offset}`,
      c.params,
    );
  }

  async count(q: ListQuery): Promise<number> {
    const c = compileWhere(q, SESSION_COLUMNS);
    const [row] = await this.m.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM session s JOIN app_user u ON u.id = s.user_id ${c.where ? `WHERE ${c.where}` : ''}`,
      c.params,
    );
    return row.n;
  }
}
