import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { sha256Hex } from '../../common/security/hash.js';

export interface StoredRefreshToken {
  family: string;
  sessionId: string;
  clientId: string;
  scope: string | null;
  rotated: Date | null;
  expired: boolean;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Every statement on `refresh_token` (in the ambient unit of work): tokens are kept as SHA-256 and rotated within a family. */
@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get m() {
    return this.uow.manager;
  }

  async find(token: string): Promise<StoredRefreshToken | undefined> {
    const [row] = await this.m.query<StoredRefreshToken[]>(
      `SELECT family, session_id AS "sessionId", client_id AS "clientId", scope, rotated, expires < now() AS expired,
              extract(epoch FROM expires)::bigint AS exp
         FROM refresh_token WHERE token_hash = $1`,
      [sha256Hex(token)],
    );
    return row ? { ...row, exp: Number(row.exp) } : undefined;
  }

  /** A new token of `family` (a new family when absent); returns the token itself, shown once. */
  async issue(t: { family?: string; sessionId: string; clientId: string; scope: string; ttlSeconds: number }): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.m.query(
      `INSERT INTO refresh_token (token_hash, family, session_id, client_id, scope, expires) VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [sha256Hex(token), t.family ?? randomUUID(), t.sessionId, t.clientId, t.scope || null, t.ttlSeconds],
    );
    return token;
  }

  /** Marks the token used; false when it already was (a concurrent use won). */
  async rotate(token: string): Promise<boolean> {
    const [rows] = await this.m.query<[unknown[], number]>(
      `UPDATE refresh_token SET rotated = now() WHERE token_hash = $1 AND rotated IS NULL RETURNING 1`,
      [sha256Hex(token)],
    );
    return rows.length === 1;
  }

  async revokeFamily(family: string): Promise<void> {
    await this.m.query(`DELETE FROM refresh_token WHERE family = $1`, [family]);
  }
}
