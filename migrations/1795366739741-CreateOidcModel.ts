import type { MigrationInterface, QueryRunner } from 'typeorm';

/** oidc-provider's storage: one row per (model, id), indexed for the adapter's lookups and the purge. */
export class CreateOidcModel1795366739741 implements MigrationInterface {
  name = 'CreateOidcModel1795366739741';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "oidc_model" ("model" character varying(40) NOT NULL, "id" character varying(255) NOT NULL, "payload" jsonb NOT NULL, "grant_id" character varying(255), "user_code" character varying(255), "uid" character varying(255), "expires_at" TIMESTAMP WITH TIME ZONE, "consumed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_221b14fec65659c58fbd4281b8e" PRIMARY KEY ("model", "id"))`,
    );
    await q.query(`CREATE INDEX "ix_oidc_model_expires" ON "oidc_model"  ("expires_at") `);
    await q.query(`CREATE INDEX "ix_oidc_model_user_code" ON "oidc_model"  ("user_code") WHERE user_code IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_oidc_model_uid" ON "oidc_model"  ("uid") WHERE uid IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_oidc_model_grant" ON "oidc_model"  ("grant_id") WHERE grant_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."ix_oidc_model_grant"`);
    await q.query(`DROP INDEX "public"."ix_oidc_model_uid"`);
    await q.query(`DROP INDEX "public"."ix_oidc_model_user_code"`);
    await q.query(`DROP INDEX "public"."ix_oidc_model_expires"`);
    await q.query(`DROP TABLE "oidc_model"`);
  }
}
