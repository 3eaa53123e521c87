import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox delivery per subscriber with leases (issue 9 item 13): each (event, subscriber) is a queue entry with
 * its own attempts, backoff, lease and dead letter; the outbox row only records the event and when it was
 * handed on. Deliveries already made stay delivered; pending rows are handed on by the next dispatcher round.
 */
export class OutboxDeliveryLeases1796163521469 implements MigrationInterface {
  name = 'OutboxDeliveryLeases1796163521469';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "outbox_delivery" RENAME COLUMN "delivered" TO "delivered_at"`);
    await q.query(`ALTER TABLE "outbox_delivery" ALTER COLUMN "delivered_at" DROP NOT NULL, ALTER COLUMN "delivered_at" DROP DEFAULT`);
    await q.query(
      `ALTER TABLE "outbox_delivery" ADD "outbox_id" bigint, ADD "attempts" integer NOT NULL DEFAULT '0',
         ADD "available_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ADD "locked_until" TIMESTAMP WITH TIME ZONE,
         ADD "last_error" text, ADD "dead_at" TIMESTAMP WITH TIME ZONE`,
    );
    await q.query(`UPDATE "outbox_delivery" d SET "outbox_id" = o."id" FROM "outbox" o WHERE o."event_id" = d."event_id"`);
    await q.query(`DELETE FROM "outbox_delivery" WHERE "outbox_id" IS NULL`);
    await q.query(`ALTER TABLE "outbox_delivery" ALTER COLUMN "outbox_id" SET NOT NULL`);
    await q.query(
      `CREATE INDEX "ix_outbox_delivery_due" ON "outbox_delivery" ("subscriber", "outbox_id") WHERE delivered_at IS NULL AND dead_at IS NULL`,
    );
    await q.query(`DROP INDEX "public"."ix_outbox_pending"`);
    await q.query(`ALTER TABLE "outbox" DROP COLUMN "available_at", DROP COLUMN "attempts", DROP COLUMN "last_error"`);
    await q.query(`CREATE INDEX "ix_outbox_pending" ON "outbox" ("id") WHERE processed_at IS NULL AND dead_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."ix_outbox_pending"`);
    await q.query(
      `ALTER TABLE "outbox" ADD "available_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ADD "attempts" integer NOT NULL DEFAULT '0', ADD "last_error" text`,
    );
    await q.query(`CREATE INDEX "ix_outbox_pending" ON "outbox" ("available_at") WHERE processed_at IS NULL AND dead_at IS NULL`);
    await q.query(`DROP INDEX "public"."ix_outbox_delivery_due"`);
    await q.query(`DELETE FROM "outbox_delivery" WHERE "delivered_at" IS NULL`);
    await q.query(
      `ALTER TABLE "outbox_delivery" DROP COLUMN "outbox_id", DROP COLUMN "attempts", DROP COLUMN "available_at", DROP COLUMN "locked_until", DROP COLUMN "last_error", DROP COLUMN "dead_at"`,
    );
    await q.query(`ALTER TABLE "outbox_delivery" ALTER COLUMN "delivered_at" SET DEFAULT now(), ALTER COLUMN "delivered_at" SET NOT NULL`);
    await q.query(`ALTER TABLE "outbox_delivery" RENAME COLUMN "delivered_at" TO "delivered"`);
  }
}
