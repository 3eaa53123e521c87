import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The KLADR address tree and the log of its imports. `name` gets a trigram index (pg_trgm, a trusted extension
 * since PostgreSQL 13, so the database owner may create it) for `LIKE '%моск%'` and `LIKE 'Моск%'` alike; the
 * importer copies these index definitions onto each new release's table (kladr-import.repository.ts).
 */
export class CreateAddressTree1796166668041 implements MigrationInterface {
  name = 'CreateAddressTree1796166668041';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(
      `CREATE TABLE "address_tree_import" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "source" text NOT NULL, "status" character varying(10) NOT NULL, "started" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished" TIMESTAMP WITH TIME ZONE, "release" date, "done" integer NOT NULL DEFAULT '0', "total" integer NOT NULL DEFAULT '0', "counts" jsonb, "rejections" jsonb NOT NULL DEFAULT '[]', "error" text, "user_id" bigint, CONSTRAINT "pk_address_tree_import" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_address_tree_import_running" ON "address_tree_import"  ("status") WHERE "status" = 'running'`);
    await q.query(
      `CREATE TABLE "address_tree" ("id" bigint NOT NULL, "parent" bigint, "code" character varying(17) COLLATE "C" NOT NULL, "name" character varying(40) NOT NULL, "short" character varying(10), "typename" character varying(29), "level" smallint NOT NULL, "index" character varying(6), "okato" character varying(11), "release" date NOT NULL, CONSTRAINT "pk_address_tree" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_address_tree_parent" ON "address_tree"  ("parent", "id") `);
    await q.query(`CREATE UNIQUE INDEX "ux_address_tree_code" ON "address_tree"  ("code") `);
    await q.query(`CREATE INDEX "ix_address_tree_name_trgm" ON "address_tree" USING gin ("name" gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // pg_trgm stays: other schemas may use it, and dropping an extension needs more rights than creating it.
    await q.query(`DROP INDEX "public"."ix_address_tree_name_trgm"`);
    await q.query(`DROP INDEX "public"."ux_address_tree_code"`);
    await q.query(`DROP INDEX "public"."ix_address_tree_parent"`);
    await q.query(`DROP TABLE "address_tree"`);
    await q.query(`DROP INDEX "public"."ux_address_tree_import_running"`);
    await q.query(`DROP TABLE "address_tree_import"`);
  }
}
