import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 (seed 004): identification codes, kept only as SHA-256 with their window (a deleted user leaves the
 * row without one: getUser answers 10 until it is purged), and the getUser calls per client address and window.
 */
export class CreateQrCodes1796175856262 implements MigrationInterface {
  name = 'CreateQrCodes1796175856262';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "qr_code" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "user_id" bigint, "code_hash" character(64) NOT NULL, "time_start" TIMESTAMP WITH TIME ZONE NOT NULL, "time_expire" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_5cbaa260231d74d774a1643ae20" UNIQUE ("code_hash"), CONSTRAINT "uq_qr_code_user_start" UNIQUE ("user_id", "time_start"), CONSTRAINT "PK_21be15bed42505b3cddf438a037" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_qr_code_expire" ON "qr_code"  ("time_expire") `);
    await q.query(
      `CREATE TABLE "qr_rate_window" ("address" character varying(64) NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "hits" integer NOT NULL, CONSTRAINT "PK_d0b82230884a5695a4c4d2bc20e" PRIMARY KEY ("address", "window_start"))`,
    );
    await q.query(
      `ALTER TABLE "qr_code" ADD CONSTRAINT "FK_99ca60319222ab0447da93f66a7" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "qr_code" DROP CONSTRAINT "FK_99ca60319222ab0447da93f66a7"`);
    await q.query(`DROP TABLE "qr_rate_window"`);
    await q.query(`DROP INDEX "public"."ix_qr_code_expire"`);
    await q.query(`DROP TABLE "qr_code"`);
  }
}
