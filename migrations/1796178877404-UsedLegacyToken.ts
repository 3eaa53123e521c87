import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seed 003's refresh of an expired token is once per token: the `jti` of each renewed token is recorded until
 * the token is past its grace period. A logged table: a record lost in a crash would let a token renew twice.
 */
export class UsedLegacyToken1796178877404 implements MigrationInterface {
  name = 'UsedLegacyToken1796178877404';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "used_legacy_token" ("jti" character varying(64) NOT NULL, "expires" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_used_legacy_token" PRIMARY KEY ("jti"))`,
    );
    await q.query(`CREATE INDEX "ix_used_legacy_token_expires" ON "used_legacy_token" ("expires")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."ix_used_legacy_token_expires"`);
    await q.query(`DROP TABLE "used_legacy_token"`);
  }
}
