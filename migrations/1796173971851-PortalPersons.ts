import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16 (seed 001): the intranet portal's persons, each linked to the user account it signs in with, and the
 * user's PIN (argon2id) that POST /api/v1/callback/pin/update sets and the PIN sign-in checks.
 */
export class PortalPersons1796173971851 implements MigrationInterface {
  name = 'PortalPersons1796173971851';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "portal_person" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "id_phperson" character varying(100) NOT NULL, "user_id" bigint NOT NULL, "tab_no" character varying(50) NOT NULL, "ad_login" citext NOT NULL, "pin_created" TIMESTAMP WITH TIME ZONE NOT NULL, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_ee2a7063d927dfb4e118b01f712" UNIQUE ("id_phperson"), CONSTRAINT "UQ_da69970b4c7b78328e8bb47dfe6" UNIQUE ("tab_no"), CONSTRAINT "UQ_f5b165bb8e7becc42b8353efe69" UNIQUE ("ad_login"), CONSTRAINT "REL_d2e10180e3a1ac3940e83f7c3b" UNIQUE ("user_id"), CONSTRAINT "PK_e2f843087b9d2e371936c5ac869" PRIMARY KEY ("id"))`,
    );
    await q.query(`ALTER TABLE "app_user" ADD "pin_hash" text`);
    await q.query(
      `ALTER TABLE "portal_person" ADD CONSTRAINT "FK_d2e10180e3a1ac3940e83f7c3b1" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "portal_person" DROP CONSTRAINT "FK_d2e10180e3a1ac3940e83f7c3b1"`);
    await q.query(`ALTER TABLE "app_user" DROP COLUMN "pin_hash"`);
    await q.query(`DROP TABLE "portal_person"`);
  }
}
