import type { DataSource } from 'typeorm';
import type { OAuthClientsService } from './oauth-clients.service.js';

type Payload = Record<string, unknown>;

/**
 * oidc-provider's storage over PostgreSQL (the `oidc_model` table), so no instance keeps anything another
 * would need. Clients are not stored here: the `Client` model reads our own registry.
 */
export function postgresAdapter(ds: DataSource, clients: OAuthClientsService) {
  return class PostgresAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      await ds.query(
        `INSERT INTO oidc_model (model, id, payload, grant_id, user_code, uid, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7::int) END)
         ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, user_code = EXCLUDED.user_code,
           uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
        [this.model, id, payload, payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresIn ?? null],
      );
    }

    async find(id: string): Promise<Payload | undefined> {
      if (this.model === 'Client') return clients.providerMetadata(id);
      return this.one('id = $2', id);
    }

    findByUid(uid: string): Promise<Payload | undefined> {
      return this.one('uid = $2', uid);
    }

    findByUserCode(userCode: string): Promise<Payload | undefined> {
      return this.one('user_code = $2', userCode);
    }

    async consume(id: string): Promise<void> {
      await ds.query(`UPDATE oidc_model SET consumed_at = now() WHERE model = $1 AND id = $2`, [this.model, id]);
    }

    async destroy(id: string): Promise<void> {
      await ds.query(`DELETE FROM oidc_model WHERE model = $1 AND id = $2`, [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await ds.query(`DELETE FROM oidc_model WHERE grant_id = $1`, [grantId]);
    }

    private async one(where: string, value: string): Promise<Payload | undefined> {
      const [row] = await ds.query<{ payload: Payload; consumed: number | null }[]>(
        `SELECT payload, extract(epoch FROM consumed_at)::bigint AS consumed FROM oidc_model
          WHERE model = $1 AND ${where} AND (expires_at IS NULL OR expires_at > now())`,
        [this.model, value],
      );
      if (!row) return undefined;
      return row.consumed ? { ...row.payload, consumed: Number(row.consumed) } : row.payload;
    }
  };
}

/** Deletes what has expired (every instance runs it; the DELETE is idempotent). */
export async function purgeExpired(ds: DataSource): Promise<void> {
  await ds.query(`DELETE FROM oidc_model WHERE expires_at < now() - interval '1 hour'`);
}

/** Marks a stored model consumed unless it already was: true for exactly one caller. */
export async function consumeOnce(ds: DataSource, model: string, id: string): Promise<boolean> {
  const [rows] = await ds.query<[unknown[], number]>(
    `UPDATE oidc_model SET consumed_at = now() WHERE model = $1 AND id = $2 AND consumed_at IS NULL RETURNING 1`,
    [model, id],
  );
  return rows.length === 1;
}
