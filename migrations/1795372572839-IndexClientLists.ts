import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes for the usual client lists: by last or full name, and a class's objects by creation date. */
export class IndexClientLists1795372572839 implements MigrationInterface {
  name = 'IndexClientLists1795372572839';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_object_class_created" ON "object"  ("class_id", "created") `);
    await q.query(`CREATE INDEX "ix_client_fullname" ON "client"  ("fullname") `);
    await q.query(`CREATE INDEX "ix_client_lastname" ON "client"  ("lastname") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."ix_client_lastname"`);
    await q.query(`DROP INDEX "public"."ix_client_fullname"`);
    await q.query(`DROP INDEX "public"."ix_object_class_created"`);
  }
}
