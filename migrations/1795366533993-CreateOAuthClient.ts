import type { MigrationInterface, QueryRunner } from 'typeorm';

/** OAuth clients: the registry the authorization server reads; secrets kept as SHA-256. */
export class CreateOAuthClient1795366533993 implements MigrationInterface {
  name = 'CreateOAuthClient1795366533993';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "oauth_client" ("client_id" character varying(100) NOT NULL, "secret_hash" character(64), "name" character varying(200) NOT NULL, "redirect_uris" text array NOT NULL DEFAULT '{}', "grant_types" text array NOT NULL, "response_types" text array NOT NULL, "scope" text NOT NULL, "first_party" boolean NOT NULL DEFAULT false, "can_sign_up" boolean NOT NULL DEFAULT false, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_120e591449cf7f49569ee6c95b3" PRIMARY KEY ("client_id"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "oauth_client"`);
  }
}
