import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: an object's files (content kept in PostgreSQL), data (text, json, xml), and geolocation history.
 * Each hangs from its object by a cascading key, so dropping the object removes them.
 */
export class ObjectAttachments1796178307961 implements MigrationInterface {
  name = 'ObjectAttachments1796178307961';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "object_file" ("object_id" bigint NOT NULL, "name" character varying(1000) NOT NULL, "path" character varying(1000), "size" bigint NOT NULL, "date" TIMESTAMP WITH TIME ZONE, "hash" character varying(128), "content" bytea, "media_type" character varying(255), "updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_object_file_size" CHECK ("size" > 0), CONSTRAINT "PK_d2b583021be17232f0dfe82c3ab" PRIMARY KEY ("object_id", "name"))`,
    );
    // Content is mostly already compressed (images, PDFs, archives): kept out of line without a compression try.
    await q.query(`ALTER TABLE "object_file" ALTER COLUMN "content" SET STORAGE EXTERNAL`);
    await q.query(
      `CREATE TABLE "object_data_type" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "code" character varying(10) NOT NULL, "name" jsonb NOT NULL, CONSTRAINT "UQ_844e5149b20930a2b8fad1a6299" UNIQUE ("code"), CONSTRAINT "PK_7e2c175e100eee21931ce49e8d9" PRIMARY KEY ("id"))`,
    );
    await q.query(`INSERT INTO "object_data_type" ("code", "name") VALUES
      ('text', '{"ru": "Текст", "en": "Text"}'), ('json', '{"ru": "JSON", "en": "JSON"}'), ('xml', '{"ru": "XML", "en": "XML"}')`);
    await q.query(
      `CREATE TABLE "object_data" ("object_id" bigint NOT NULL, "type_id" bigint NOT NULL, "code" character varying(100) NOT NULL, "data" text NOT NULL, "updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b49b3239ab0d2150e9a912a1835" PRIMARY KEY ("object_id", "type_id", "code"))`,
    );
    await q.query(
      `CREATE TABLE "object_geolocation" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "object_id" bigint NOT NULL, "code" character varying(30) NOT NULL DEFAULT 'default', "latitude" double precision NOT NULL, "longitude" double precision NOT NULL, "accuracy" double precision, "label" character varying(200), "description" character varying(2000), "date" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "ck_object_geolocation_longitude" CHECK ("longitude" BETWEEN -180 AND 180), CONSTRAINT "ck_object_geolocation_latitude" CHECK ("latitude" BETWEEN -90 AND 90), CONSTRAINT "PK_8ac28be11917af547ec5c836a55" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_object_geolocation_history" ON "object_geolocation"  ("object_id", "code", "date", "id") `);
    await q.query(
      `ALTER TABLE "object_file" ADD CONSTRAINT "FK_0f4ab8828d5e38d99b37e54dd57" FOREIGN KEY ("object_id") REFERENCES "object"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object_data" ADD CONSTRAINT "FK_2e08705d2e31b494bd6edcab713" FOREIGN KEY ("object_id") REFERENCES "object"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object_data" ADD CONSTRAINT "FK_7e2c175e100eee21931ce49e8d9" FOREIGN KEY ("type_id") REFERENCES "object_data_type"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object_geolocation" ADD CONSTRAINT "FK_9808ff2962902740744fc47738e" FOREIGN KEY ("object_id") REFERENCES "object"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "object_geolocation" DROP CONSTRAINT "FK_9808ff2962902740744fc47738e"`);
    await q.query(`ALTER TABLE "object_data" DROP CONSTRAINT "FK_7e2c175e100eee21931ce49e8d9"`);
    await q.query(`ALTER TABLE "object_data" DROP CONSTRAINT "FK_2e08705d2e31b494bd6edcab713"`);
    await q.query(`ALTER TABLE "object_file" DROP CONSTRAINT "FK_0f4ab8828d5e38d99b37e54dd57"`);
    await q.query(`DROP INDEX "public"."ix_object_geolocation_history"`);
    await q.query(`DROP TABLE "object_geolocation"`);
    await q.query(`DROP TABLE "object_data"`);
    await q.query(`DROP TABLE "object_data_type"`);
    await q.query(`DROP TABLE "object_file"`);
  }
}
