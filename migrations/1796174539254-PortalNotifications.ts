import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16 (seed 001 "Уведомления о событиях"): the events the portal pushes, once per (data.id, type), and
 * each addressed user's copy with its read mark (the users' notification list).
 */
export class PortalNotifications1796174539254 implements MigrationInterface {
  name = 'PortalNotifications1796174539254';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "portal_notification" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "source_id" character varying(100) NOT NULL, "type" character varying(20) NOT NULL, "title" character varying(500) NOT NULL, "message" text NOT NULL, "data" jsonb NOT NULL, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_portal_notification_source" UNIQUE ("source_id", "type"), CONSTRAINT "ck_portal_notification_type" CHECK (type IN ('push', 'kip_new', 'kip_comment', 'kip_update')), CONSTRAINT "PK_97aa5c88d298cc55aa7ee43b923" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "portal_notification_user" ("notification_id" bigint NOT NULL, "user_id" bigint NOT NULL, "read" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_11751c295eb414a51aa3f484e3d" PRIMARY KEY ("notification_id", "user_id"))`,
    );
    await q.query(`CREATE INDEX "ix_portal_notification_user" ON "portal_notification_user"  ("user_id", "notification_id") `);
    await q.query(
      `ALTER TABLE "portal_notification_user" ADD CONSTRAINT "FK_453218c6fe458856957856f654d" FOREIGN KEY ("notification_id") REFERENCES "portal_notification"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "portal_notification_user" ADD CONSTRAINT "FK_910e42438a55347fa4fc88d6cd3" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "portal_notification_user" DROP CONSTRAINT "FK_910e42438a55347fa4fc88d6cd3"`);
    await q.query(`ALTER TABLE "portal_notification_user" DROP CONSTRAINT "FK_453218c6fe458856957856f654d"`);
    await q.query(`DROP INDEX "public"."ix_portal_notification_user"`);
    await q.query(`DROP TABLE "portal_notification_user"`);
    await q.query(`DROP TABLE "portal_notification"`);
  }
}
