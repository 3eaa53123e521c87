import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';

type Payload = Record<string, unknown>;

/**
 * Every statement on `oidc_model`, where oidc-provider keeps what it persists (sessions, interactions, codes,
 * grants, replay detection...): one row per (model, id), with the columns its adapter looks rows up by.
 */
@Injectable()
export class OidcModelRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get m() {
    return this.uow.manager;
  }

  async upsert(model: string, id: string, payload: Payload, expiresIn: number | undefined): Promise<void> {
    await this.m.query(
      `INSERT INTO oidc_model (model, id, payload, grant_id, user_code, uid, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7::int) END)
       ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, user_code = EXCLUDED.user_code,
         uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
      [model, id, payload, payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresIn ?? null],
    );
  }

  /** The unexpired payload whose `key` column has this value (with `consumed`, epoch seconds, once consumed). */
  async find(model: string, key: 'id' | 'uid' | 'user_code', value: string): Promise<Payload | undefined> {
    // `key` is one of three fixed column names.
    const [row] = await this.m.query<{ payload: Payload; consumed: number | null }[]>(
      `SELECT payload, extract(epoch FROM consumed_at)::bigint AS consumed FROM oidc_model
        WHERE model = $1 AND ${key} = $2 AND (expires_at IS NULL OR expires_at > now())`,
      [model, value],
    );
    if (!row) return undefined;
    return row.consumed ? { ...row.payload, consumed: Number(row.consumed) } : row.payload;
  }

  async consume(model: string, id: string): Promise<void> {
    await this.m.query(`UPDATE oidc_model SET consumed_at = now() WHERE model = $1 AND id = $2`, [model, id]);
  }

  /** Marks a stored model consumed unless it already was: true for exactly one caller. */
  async consumeOnce(model: string, id: string): Promise<boolean> {
    const [rows] = await this.m.query<[unknown[], number]>(
      `UPDATE oidc_model SET consumed_at = now() WHERE model = $1 AND id = $2 AND consumed_at IS NULL RETURNING 1`,
      [model, id],
    );
    return rows.length === 1;
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.m.query(`DELETE FROM oidc_model WHERE model = $1 AND id = $2`, [model, id]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.m.query(`DELETE FROM oidc_model WHERE grant_id = $1`, [grantId]);
  }

  /** Deletes what has expired (every instance runs it; the DELETE is idempotent). */
  async purgeExpired(): Promise<void> {
    await this.m.query(`DELETE FROM oidc_model WHERE expires_at < now() - interval '1 hour'`);
  }
}
