import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity: users, groups and memberships, areas (a tree), interfaces, locales, sessions, one-time
 * authorization codes, used nonces, token signing keys, and the event log shared by every module.
 * Seeds the locales, the root and default areas, the four interfaces and the four groups.
 */
export class CreateIdentity1795364867780 implements MigrationInterface {
  name = 'CreateIdentity1795364867780';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "area" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "parent_id" bigint, "type" character varying(30) NOT NULL, "code" character varying(50) NOT NULL, "name" character varying(200) NOT NULL, "description" text, "valid_from_date" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "valid_to_date" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_4aa797d975cf8ea8fe936098e00" UNIQUE ("code"), CONSTRAINT "PK_39d5e4de490139d6535d75f42ff" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "interface" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "sid" character varying(30) NOT NULL, "name" character varying(200) NOT NULL, "description" text, CONSTRAINT "UQ_a2ca66abec8dfa62ec9e8769e75" UNIQUE ("sid"), CONSTRAINT "PK_89d087691c9b89f8a905017d2a0" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "locale" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "code" character varying(10) NOT NULL, "name" character varying(100) NOT NULL, "description" text, CONSTRAINT "UQ_03f3269461e7b003dca6b1699f4" UNIQUE ("code"), CONSTRAINT "PK_4b7a3ebe8ec48f1bb2c4b80e349" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "app_user" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "username" citext NOT NULL, "password_hash" text NOT NULL, "type" character varying(12) NOT NULL DEFAULT 'physical', "name" character varying(300) NOT NULL, "short_name" character varying(200), "family_name" character varying(100), "given_name" character varying(100), "patronymic_name" character varying(100), "email" citext, "email_verified" boolean NOT NULL DEFAULT false, "phone" character varying(30), "phone_verified" boolean NOT NULL DEFAULT false, "session_limit" integer NOT NULL DEFAULT '0', "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "locale_id" bigint NOT NULL, "area_id" bigint NOT NULL, "interface_id" bigint NOT NULL, "description" text, "picture" text, "info" jsonb, "password_change" boolean NOT NULL DEFAULT false, "password_not_change" boolean NOT NULL DEFAULT false, "system" boolean NOT NULL DEFAULT false, "status" character varying(10) NOT NULL DEFAULT 'active', "lock_date" TIMESTAMP WITH TIME ZONE, "expiry_date" TIMESTAMP WITH TIME ZONE, "lc_ip" character varying(64), "input_count" integer NOT NULL DEFAULT '0', "input_last" TIMESTAMP WITH TIME ZONE, "input_error" integer NOT NULL DEFAULT '0', "input_error_last" TIMESTAMP WITH TIME ZONE, "input_error_all" integer NOT NULL DEFAULT '0', CONSTRAINT "UQ_c480e576dd71729addbc2d51b67" UNIQUE ("username"), CONSTRAINT "ck_app_user_type" CHECK (type IN ('entity', 'physical', 'individual')), CONSTRAINT "ck_app_user_status" CHECK (status IN ('active', 'locked', 'expired')), CONSTRAINT "PK_22a5c4a3d9b2fb8e4e73fc4ada1" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_app_user_phone" ON "app_user"  ("phone") WHERE phone IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "uq_app_user_email" ON "app_user"  ("email") WHERE email IS NOT NULL`);
    await q.query(
      `CREATE TABLE "session" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "code" character(40) NOT NULL, "secret" character varying(100) NOT NULL, "user_id" bigint NOT NULL, "client_id" character varying(100), "agent" character varying(500), "host" character varying(64), "locale_id" bigint NOT NULL, "area_id" bigint NOT NULL, "interface_id" bigint NOT NULL, "oper_date" TIMESTAMP WITH TIME ZONE, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "closed" TIMESTAMP WITH TIME ZONE, "access_expires" TIMESTAMP WITH TIME ZONE NOT NULL, "refresh_expires" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_9e936c847599908e68dad09b760" UNIQUE ("code"), CONSTRAINT "PK_f55da76ac1c3ac420f444d2ff11" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_session_user_open" ON "session"  ("user_id", "created") WHERE closed IS NULL`);
    await q.query(
      `CREATE TABLE "auth_code" ("code_hash" character(64) NOT NULL, "session_id" bigint NOT NULL, "expires" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6b8d570e5f48688f752cfa71c2e" PRIMARY KEY ("code_hash"))`,
    );
    await q.query(`CREATE INDEX "ix_auth_code_expires" ON "auth_code"  ("expires") `);
    await q.query(
      `CREATE TABLE "user_group" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "code" character varying(50) NOT NULL, "name" character varying(200) NOT NULL, "description" text, CONSTRAINT "UQ_a4e957c2cd4a31951d6d656d8b7" UNIQUE ("code"), CONSTRAINT "PK_3c29fba6fe013ec8724378ce7c9" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "user_group_member" ("user_id" bigint NOT NULL, "group_id" bigint NOT NULL, CONSTRAINT "PK_fc36738bb27d96b79ad29fcdf21" PRIMARY KEY ("user_id", "group_id"))`,
    );
    await q.query(
      `CREATE TABLE "area_member" ("area_id" bigint NOT NULL, "user_id" bigint NOT NULL, CONSTRAINT "PK_bd0e882956131625a692c7ffcc8" PRIMARY KEY ("area_id", "user_id"))`,
    );
    await q.query(
      `CREATE TABLE "interface_member" ("interface_id" bigint NOT NULL, "group_id" bigint NOT NULL, CONSTRAINT "PK_52571523221001824caad11bc5b" PRIMARY KEY ("interface_id", "group_id"))`,
    );
    await q.query(
      `CREATE TABLE "signing_key" ("kid" character varying(64) NOT NULL, "use" character varying(10) NOT NULL, "alg" character varying(10) NOT NULL, "private_jwk" jsonb NOT NULL, "public_jwk" jsonb, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_00d7e305393ab903d6eb06c11f9" PRIMARY KEY ("kid"))`,
    );
    await q.query(
      `CREATE UNLOGGED TABLE "used_nonce" ("session_id" bigint NOT NULL, "nonce" bigint NOT NULL, "seen" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f80e019ca198f83b0e7185d2205" PRIMARY KEY ("session_id", "nonce"))`,
    );
    await q.query(`CREATE INDEX "ix_used_nonce_seen" ON "used_nonce"  ("seen") `);
    await q.query(
      `CREATE TABLE "event_log" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "datetime" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "type" character(1) NOT NULL, "code" integer NOT NULL, "category" character varying(30) NOT NULL, "text" text NOT NULL, "user_id" bigint, "session" character varying(40), "object_id" bigint, CONSTRAINT "ck_event_log_type" CHECK (type IN ('M', 'W', 'E')), CONSTRAINT "PK_d8ccd9b5b44828ea378dd37e691" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_event_log_user" ON "event_log"  ("user_id", "datetime") `);
    await q.query(`CREATE INDEX "ix_event_log_datetime" ON "event_log"  ("datetime") `);
    await q.query(
      `ALTER TABLE "area" ADD CONSTRAINT "FK_e0ff3ff7bd13b1432682edae8b7" FOREIGN KEY ("parent_id") REFERENCES "area"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "app_user" ADD CONSTRAINT "FK_988805cc52c93be170dbfb81f94" FOREIGN KEY ("locale_id") REFERENCES "locale"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "app_user" ADD CONSTRAINT "FK_ceae711930de424412b1427e4f2" FOREIGN KEY ("area_id") REFERENCES "area"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "app_user" ADD CONSTRAINT "FK_d82aaf527a34010b03c3dccba3d" FOREIGN KEY ("interface_id") REFERENCES "interface"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "session" ADD CONSTRAINT "FK_30e98e8746699fb9af235410aff" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "session" ADD CONSTRAINT "FK_871573ee81ce5dcc1a15a094660" FOREIGN KEY ("locale_id") REFERENCES "locale"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "session" ADD CONSTRAINT "FK_1d71843696f2cd5faaa4cdd066f" FOREIGN KEY ("area_id") REFERENCES "area"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "session" ADD CONSTRAINT "FK_9c90673906cae1ea2aa8a8e542f" FOREIGN KEY ("interface_id") REFERENCES "interface"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "auth_code" ADD CONSTRAINT "FK_1b10ccfcb5b47001e6a623b7387" FOREIGN KEY ("session_id") REFERENCES "session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "user_group_member" ADD CONSTRAINT "FK_93a80d12bf0cfa721b3e1d1e0ba" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "user_group_member" ADD CONSTRAINT "FK_42aa81e135f5b7d626d3825ab51" FOREIGN KEY ("group_id") REFERENCES "user_group"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "area_member" ADD CONSTRAINT "FK_2774e56b2b4d35ff2ff74e4da1f" FOREIGN KEY ("area_id") REFERENCES "area"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "area_member" ADD CONSTRAINT "FK_0f9302ccb00681faa16a92f8a40" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "interface_member" ADD CONSTRAINT "FK_13e52c17a8422739ffc4903f868" FOREIGN KEY ("interface_id") REFERENCES "interface"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "interface_member" ADD CONSTRAINT "FK_0f95524b184509499fcc2dc2113" FOREIGN KEY ("group_id") REFERENCES "user_group"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Reference data every installation starts with.
    await q.query(`INSERT INTO "locale" ("code", "name", "description") VALUES
      ('ru', 'Русский', 'Русский язык'), ('en', 'English', 'English language')`);
    await q.query(`INSERT INTO "area" ("type", "code", "name", "description") VALUES ('root', 'root', 'Корень', 'Root of the area tree')`);
    await q.query(`INSERT INTO "area" ("parent_id", "type", "code", "name")
      SELECT "id", 'default', 'default', 'По умолчанию' FROM "area" WHERE "code" = 'root'`);
    await q.query(`INSERT INTO "interface" ("sid", "name", "description") VALUES
      ('I:1:0:0', 'Все', 'Интерфейс для всех'),
      ('I:1:0:1', 'Администраторы', 'Интерфейс для администраторов'),
      ('I:1:0:2', 'Операторы', 'Интерфейс для операторов системы'),
      ('I:1:0:3', 'Пользователи', 'Интерфейс для пользователей')`);
    await q.query(`INSERT INTO "user_group" ("code", "name", "description") VALUES
      ('administrator', 'Администраторы', 'Группа для администраторов системы'),
      ('operator', 'Операторы', 'Группа для операторов системы'),
      ('manager', 'Менеджеры', 'Группа для менеджеров'),
      ('user', 'Пользователи', 'Группа для внешних пользователей системы')`);
    await q.query(`INSERT INTO "interface_member" ("interface_id", "group_id")
      SELECT i."id", g."id" FROM "interface" i JOIN "user_group" g ON
        i."sid" = 'I:1:0:0'
        OR (i."sid" = 'I:1:0:1' AND g."code" = 'administrator')
        OR (i."sid" = 'I:1:0:2' AND g."code" IN ('administrator', 'operator'))
        OR (i."sid" = 'I:1:0:3' AND g."code" IN ('administrator', 'user'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "interface_member" DROP CONSTRAINT "FK_0f95524b184509499fcc2dc2113"`);
    await q.query(`ALTER TABLE "interface_member" DROP CONSTRAINT "FK_13e52c17a8422739ffc4903f868"`);
    await q.query(`ALTER TABLE "area_member" DROP CONSTRAINT "FK_0f9302ccb00681faa16a92f8a40"`);
    await q.query(`ALTER TABLE "area_member" DROP CONSTRAINT "FK_2774e56b2b4d35ff2ff74e4da1f"`);
    await q.query(`ALTER TABLE "user_group_member" DROP CONSTRAINT "FK_42aa81e135f5b7d626d3825ab51"`);
    await q.query(`ALTER TABLE "user_group_member" DROP CONSTRAINT "FK_93a80d12bf0cfa721b3e1d1e0ba"`);
    await q.query(`ALTER TABLE "auth_code" DROP CONSTRAINT "FK_1b10ccfcb5b47001e6a623b7387"`);
    await q.query(`ALTER TABLE "session" DROP CONSTRAINT "FK_9c90673906cae1ea2aa8a8e542f"`);
    await q.query(`ALTER TABLE "session" DROP CONSTRAINT "FK_1d71843696f2cd5faaa4cdd066f"`);
    await q.query(`ALTER TABLE "session" DROP CONSTRAINT "FK_871573ee81ce5dcc1a15a094660"`);
    await q.query(`ALTER TABLE "session" DROP CONSTRAINT "FK_30e98e8746699fb9af235410aff"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "FK_d82aaf527a34010b03c3dccba3d"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "FK_ceae711930de424412b1427e4f2"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "FK_988805cc52c93be170dbfb81f94"`);
    await q.query(`ALTER TABLE "area" DROP CONSTRAINT "FK_e0ff3ff7bd13b1432682edae8b7"`);
    await q.query(`DROP INDEX "public"."ix_event_log_datetime"`);
    await q.query(`DROP INDEX "public"."ix_event_log_user"`);
    await q.query(`DROP TABLE "event_log"`);
    await q.query(`DROP INDEX "public"."ix_used_nonce_seen"`);
    await q.query(`DROP TABLE "used_nonce"`);
    await q.query(`DROP TABLE "signing_key"`);
    await q.query(`DROP TABLE "interface_member"`);
    await q.query(`DROP TABLE "area_member"`);
    await q.query(`DROP TABLE "user_group_member"`);
    await q.query(`DROP TABLE "user_group"`);
    await q.query(`DROP INDEX "public"."ix_auth_code_expires"`);
    await q.query(`DROP TABLE "auth_code"`);
    await q.query(`DROP INDEX "public"."ix_session_user_open"`);
    await q.query(`DROP TABLE "session"`);
    await q.query(`DROP INDEX "public"."uq_app_user_email"`);
    await q.query(`DROP INDEX "public"."uq_app_user_phone"`);
    await q.query(`DROP TABLE "app_user"`);
    await q.query(`DROP TABLE "locale"`);
    await q.query(`DROP TABLE "interface"`);
    await q.query(`DROP TABLE "area"`);
  }
}
