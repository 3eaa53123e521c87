import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The browser flows of the OAuth server: which of our sessions a provider (browser) session signed in to, and
 * the users' secret codes (seed 002, the password grant's `secret`), kept as SHA-256 and unique.
 */
export class OAuthFlows1795370493247 implements MigrationInterface {
  name = 'OAuthFlows1795370493247';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "oauth_login" ("provider_session_uid" character varying(64) NOT NULL, "session_id" bigint NOT NULL, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_756e76724defff2fee870411277" PRIMARY KEY ("provider_session_uid"))`,
    );
    await q.query(`CREATE INDEX "ix_oauth_login_session" ON "oauth_login"  ("session_id") `);
    await q.query(`ALTER TABLE "app_user" ADD "secret_code_hash" character(64)`);
    await q.query(`ALTER TABLE "app_user" ADD CONSTRAINT "UQ_f535fc2d0367621eb44c7e8b760" UNIQUE ("secret_code_hash")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "UQ_f535fc2d0367621eb44c7e8b760"`);
    await q.query(`ALTER TABLE "app_user" DROP COLUMN "secret_code_hash"`);
    await q.query(`DROP INDEX "public"."ix_oauth_login_session"`);
    await q.query(`DROP TABLE "oauth_login"`);
  }
}
