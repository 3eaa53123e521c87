import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14 item 4: an object's address links, a temporal history per (object, address type) like object states
 * (the exclusion constraint over btree_gist keeps one link in force at any instant). The links hang from the
 * object and from the address object by cascading keys: dropping either removes them.
 */
export class ObjectAddressLinks1796180849168 implements MigrationInterface {
  name = 'ObjectAddressLinks1796180849168';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "object_address" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "object_id" bigint NOT NULL, "address_id" bigint NOT NULL, "type_id" bigint NOT NULL, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_to" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT 'infinity', CONSTRAINT "ex_object_address_overlap" EXCLUDE USING gist ("object_id" WITH =, "type_id" WITH =, tstzrange("valid_from", "valid_to") WITH &&), CONSTRAINT "PK_d17011285995a3c72c70bcee6ca" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_object_address_address" ON "object_address"  ("address_id") `);
    await q.query(
      `ALTER TABLE "object_address" ADD CONSTRAINT "FK_4f4360d546c8a4d12b6e9707761" FOREIGN KEY ("object_id") REFERENCES "object"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object_address" ADD CONSTRAINT "FK_e3bf5857e5228fd7dd3ad6ab179" FOREIGN KEY ("address_id") REFERENCES "object"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object_address" ADD CONSTRAINT "FK_5ae7bb8701cace3691d45c32087" FOREIGN KEY ("type_id") REFERENCES "object_type"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "object_address" DROP CONSTRAINT "FK_5ae7bb8701cace3691d45c32087"`);
    await q.query(`ALTER TABLE "object_address" DROP CONSTRAINT "FK_e3bf5857e5228fd7dd3ad6ab179"`);
    await q.query(`ALTER TABLE "object_address" DROP CONSTRAINT "FK_4f4360d546c8a4d12b6e9707761"`);
    await q.query(`DROP INDEX "public"."ix_object_address_address"`);
    await q.query(`DROP TABLE "object_address"`);
  }
}
