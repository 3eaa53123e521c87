import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Refresh tokens (hashed), rotated within a family, bound to a session that must still be open at each use. */
export class CreateRefreshToken1795367821726 implements MigrationInterface {
  name = 'CreateRefreshToken1795367821726';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "refresh_token" ("token_hash" character(64) NOT NULL, "family" uuid NOT NULL, "session_id" bigint NOT NULL, "client_id" character varying(100) NOT NULL, "scope" text, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires" TIMESTAMP WITH TIME ZONE NOT NULL, "rotated" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f0812282fad2e352cdaf83ef0a9" PRIMARY KEY ("token_hash"))`,
    );
    await q.query(`CREATE INDEX "ix_refresh_token_expires" ON "refresh_token"  ("expires") `);
    await q.query(`CREATE INDEX "ix_refresh_token_family" ON "refresh_token"  ("family") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."ix_refresh_token_family"`);
    await q.query(`DROP INDEX "public"."ix_refresh_token_expires"`);
    await q.query(`DROP TABLE "refresh_token"`);
  }
}
