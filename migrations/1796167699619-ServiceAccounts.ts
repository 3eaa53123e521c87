import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 10: every OAuth client gets a service account (a user of its own, whose session its client_credentials
 * tokens carry and whose groups are its rights), default scopes, an id-token algorithm and a switch for the
 * client_credentials refresh token; sessions that are reused (HTTP Basic, service accounts) carry a reuse key;
 * the `account_creator` group holds the right to create accounts (it replaces the client's `can_sign_up` flag,
 * which becomes that group's membership of the service account).
 *
 * Secret codes are now kept as SHA-256 of their SHA-1 (seed 002 signs in with SHA1(secret) as the password), so
 * the codes issued before cannot be matched any more and are cleared: users ask for a new one.
 */
export class ServiceAccounts1796167699619 implements MigrationInterface {
  name = 'ServiceAccounts1796167699619';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`INSERT INTO "user_group" ("code", "name", "description") VALUES
      ('account_creator', 'Создание учётных записей', 'Создаёт учётные записи пользователей и связывает их с клиентами')`);
    await q.query(`ALTER TABLE "session" ADD "reuse_key" character(64)`);
    await q.query(`CREATE UNIQUE INDEX "uq_session_reuse_open" ON "session"  ("reuse_key") WHERE closed IS NULL`);
    await q.query(`ALTER TABLE "oauth_client" ADD "default_scope" text NOT NULL DEFAULT ''`);
    await q.query(`UPDATE "oauth_client" SET "default_scope" = 'api' WHERE "first_party" AND ' ' || "scope" || ' ' LIKE '% api %'`);
    await q.query(`ALTER TABLE "oauth_client" ADD "id_token_signed_response_alg" character varying(10) NOT NULL DEFAULT 'RS256'`);
    await q.query(`ALTER TABLE "oauth_client" ADD "client_credentials_refresh" boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE "oauth_client" ADD "service_user_id" bigint`);
    await q.query(`ALTER TABLE "oauth_client" ADD CONSTRAINT "UQ_fa68c524ae9d80cc5784516ac61" UNIQUE ("service_user_id")`);
    await q.query(
      `ALTER TABLE "oauth_client" ADD CONSTRAINT "FK_fa68c524ae9d80cc5784516ac61" FOREIGN KEY ("service_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    // The existing clients' service accounts: no password ('!' is no argon2id hash), in the user group and the
    // default area, account creators when the client could sign users up.
    await q.query(`INSERT INTO "app_user" ("username", "password_hash", "type", "name", "system", "locale_id", "area_id", "interface_id")
      SELECT 'svc:' || c."client_id", '!', 'entity', c."name", true,
             (SELECT "id" FROM "locale" WHERE "code" = 'ru'), (SELECT "id" FROM "area" WHERE "code" = 'default'),
             (SELECT "id" FROM "interface" WHERE "sid" = 'I:1:0:0')
        FROM "oauth_client" c`);
    await q.query(`UPDATE "oauth_client" c SET "service_user_id" = u."id" FROM "app_user" u WHERE u."username" = 'svc:' || c."client_id"`);
    await q.query(`INSERT INTO "user_group_member" ("user_id", "group_id")
      SELECT c."service_user_id", g."id" FROM "oauth_client" c JOIN "user_group" g
          ON g."code" = 'user' OR (g."code" = 'account_creator' AND c."can_sign_up")`);
    await q.query(`INSERT INTO "area_member" ("area_id", "user_id")
      SELECT a."id", c."service_user_id" FROM "oauth_client" c JOIN "area" a ON a."code" = 'default'`);
    await q.query(`ALTER TABLE "oauth_client" DROP COLUMN "can_sign_up"`);
    await q.query(`UPDATE "app_user" SET "secret_code_hash" = NULL WHERE "secret_code_hash" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "oauth_client" ADD "can_sign_up" boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE "oauth_client" c SET "can_sign_up" = true FROM "user_group_member" m JOIN "user_group" g ON g."id" = m."group_id"
      WHERE m."user_id" = c."service_user_id" AND g."code" = 'account_creator'`);
    await q.query(`ALTER TABLE "oauth_client" DROP CONSTRAINT "FK_fa68c524ae9d80cc5784516ac61"`);
    await q.query(`DELETE FROM "app_user" u USING "oauth_client" c WHERE u."id" = c."service_user_id"`);
    await q.query(`ALTER TABLE "oauth_client" DROP CONSTRAINT "UQ_fa68c524ae9d80cc5784516ac61"`);
    await q.query(`ALTER TABLE "oauth_client" DROP COLUMN "service_user_id"`);
    await q.query(`ALTER TABLE "oauth_client" DROP COLUMN "client_credentials_refresh"`);
    await q.query(`ALTER TABLE "oauth_client" DROP COLUMN "id_token_signed_response_alg"`);
    await q.query(`ALTER TABLE "oauth_client" DROP COLUMN "default_scope"`);
    await q.query(`DROP INDEX "public"."uq_session_reuse_open"`);
    await q.query(`ALTER TABLE "session" DROP COLUMN "reuse_key"`);
    await q.query(`DELETE FROM "user_group" WHERE "code" = 'account_creator'`);
  }
}
