import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The address types a Russian business keeps (code, ru, en); `post` is the default. */
const TYPES: [code: string, ru: string, en: string][] = [
  ['post', 'Почтовый адрес', 'Postal address'],
  ['actual', 'Фактический адрес', 'Actual address'],
  ['legal', 'Юридический адрес', 'Legal address'],
  ['registration', 'Адрес регистрации', 'Registered address'],
  ['residence', 'Адрес проживания', 'Residential address'],
  ['delivery', 'Адрес доставки', 'Delivery address'],
];

/**
 * Issue 11: the class table of the `address` essence (seed 002 "Адрес (`address`)") and its types. The house
 * parts compare in the ICU collation `natural` (numbers inside text compare as numbers: "12" > "5").
 */
export class CreateAddress1796175178491 implements MigrationInterface {
  name = 'CreateAddress1796175178491';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE COLLATION IF NOT EXISTS "natural" (provider = icu, locale = 'und-u-kn-true')`);
    await q.query(
      `CREATE TABLE "address" ("id" bigint NOT NULL, "code" character varying(17), "index" character varying(6), "country" character varying(200), "region" character varying(200), "district" character varying(200), "city" character varying(200), "settlement" character varying(200), "street" character varying(200), "house" character varying(50) COLLATE "natural", "building" character varying(50) COLLATE "natural", "structure" character varying(50) COLLATE "natural", "apartment" character varying(50) COLLATE "natural", "address" character varying(1000), CONSTRAINT "PK_d92de1f82754668b5f5f5dd4fd5" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_address_code" ON "address"  ("code") `);
    await q.query(
      `ALTER TABLE "address" ADD CONSTRAINT "FK_d92de1f82754668b5f5f5dd4fd5" FOREIGN KEY ("id") REFERENCES "document"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    for (const [code, ru, en] of TYPES) {
      await q.query(`INSERT INTO "object_type" ("class_id", "code", "name") SELECT id, $1, $2 FROM "object_class" WHERE code = 'address'`, [
        code,
        JSON.stringify({ ru, en }),
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "object_type" WHERE class_id = (SELECT id FROM "object_class" WHERE code = 'address')`);
    await q.query(`ALTER TABLE "address" DROP CONSTRAINT "FK_d92de1f82754668b5f5f5dd4fd5"`);
    await q.query(`DROP INDEX "public"."ix_address_code"`);
    await q.query(`DROP TABLE "address"`);
    await q.query(`DROP COLLATION "natural"`);
  }
}
