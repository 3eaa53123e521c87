import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: the `office` essence (a reference under `reference`, type `station`; seed 000's stations), users'
 * stable public UUIDs (seed 000's `userId`), and work shifts with at most one open per user (a partial unique
 * index: concurrent scans cannot open two).
 */
export class CreateOfficesAndShifts1796178097087 implements MigrationInterface {
  name = 'CreateOfficesAndShifts1796178097087';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "office" ("id" bigint NOT NULL, "time_zone" character varying(64) NOT NULL DEFAULT 'Europe/Moscow', "device_client" character varying(100), CONSTRAINT "UQ_4edabde2717151531c3ea221afe" UNIQUE ("device_client"), CONSTRAINT "PK_200185316ba169fda17e3b6ba00" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "shift_session" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" bigint NOT NULL, "user_uuid" uuid NOT NULL, "first_name" character varying(100), "last_name" character varying(100), "middle_name" character varying(100), "beg_office_id" bigint NOT NULL, "beg_office" character varying(500) NOT NULL, "beg_time" TIMESTAMP WITH TIME ZONE NOT NULL, "beg_local" TIMESTAMP NOT NULL, "end_office_id" bigint, "end_office" character varying(500), "end_time" TIMESTAMP WITH TIME ZONE, "end_local" TIMESTAMP, CONSTRAINT "PK_b13f5a42696afb2c309e8fdeab3" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_shift_session_beg_local" ON "shift_session"  ("beg_local", "id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_shift_session_open" ON "shift_session"  ("user_id") WHERE end_time IS NULL`);
    await q.query(`ALTER TABLE "app_user" ADD "uuid" uuid NOT NULL DEFAULT gen_random_uuid()`);
    await q.query(`ALTER TABLE "app_user" ADD CONSTRAINT "UQ_a58dc229068f494a0360b170322" UNIQUE ("uuid")`);
    await q.query(`INSERT INTO "essence" ("code", "name") VALUES ('office', '{"ru":"Офис","en":"Office"}')`);
    await q.query(`INSERT INTO "object_class" ("parent_id", "essence_id", "level", "code", "label", "abstract")
      SELECT p."id", e."id", 2, 'office', '{"ru":"Офис","en":"Office"}', false FROM "object_class" p, "essence" e
       WHERE p."code" = 'reference' AND e."code" = 'office'`);
    await q.query(`INSERT INTO "object_type" ("class_id", "code", "name")
      SELECT "id", 'station', '{"ru":"АЗС","en":"Station"}' FROM "object_class" WHERE "code" = 'office'`);
    await q.query(
      `ALTER TABLE "office" ADD CONSTRAINT "FK_200185316ba169fda17e3b6ba00" FOREIGN KEY ("id") REFERENCES "reference"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "shift_session" ADD CONSTRAINT "FK_94d6aa2b96302a00418a9944838" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "shift_session" ADD CONSTRAINT "FK_070f3a13c8a27a14290139d9be5" FOREIGN KEY ("beg_office_id") REFERENCES "reference"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "shift_session" ADD CONSTRAINT "FK_83b05a9325347e1ace084a80ac3" FOREIGN KEY ("end_office_id") REFERENCES "reference"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "shift_session" DROP CONSTRAINT "FK_83b05a9325347e1ace084a80ac3"`);
    await q.query(`ALTER TABLE "shift_session" DROP CONSTRAINT "FK_070f3a13c8a27a14290139d9be5"`);
    await q.query(`ALTER TABLE "shift_session" DROP CONSTRAINT "FK_94d6aa2b96302a00418a9944838"`);
    await q.query(`ALTER TABLE "office" DROP CONSTRAINT "FK_200185316ba169fda17e3b6ba00"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "UQ_a58dc229068f494a0360b170322"`);
    await q.query(`ALTER TABLE "app_user" DROP COLUMN "uuid"`);
    await q.query(`DROP INDEX "public"."uq_shift_session_open"`);
    await q.query(`DROP INDEX "public"."ix_shift_session_beg_local"`);
    await q.query(`DROP TABLE "shift_session"`);
    await q.query(`DROP TABLE "office"`);
    await q.query(`DELETE FROM "object_type" WHERE "class_id" = (SELECT "id" FROM "object_class" WHERE "code" = 'office')`);
    await q.query(`DELETE FROM "object_class" WHERE "code" = 'office'`);
    await q.query(`DELETE FROM "essence" WHERE "code" = 'office'`);
  }
}
