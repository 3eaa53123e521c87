import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Objects and workflow (design/workflow.md): the class tree and its configuration (types, states, actions,
 * methods, transitions, event bindings), objects with their temporal state history (no overlaps, by an
 * exclusion constraint over btree_gist), documents, references, clients, calendars, access masks, and the
 * transactional outbox of domain events. Seed rows come in SeedWorkflow.
 */
export class CreateWorkflow1795371706680 implements MigrationInterface {
  name = 'CreateWorkflow1795371706680';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS btree_gist');
    await q.query(
      `CREATE TABLE "outbox" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "event_id" uuid NOT NULL, "type" character varying(100) NOT NULL, "payload" jsonb NOT NULL, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "available_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "processed_at" TIMESTAMP WITH TIME ZONE, "dead_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_cc0c9e40998e45ecfc5e313429d" UNIQUE ("event_id"), CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_outbox_pending" ON "outbox"  ("available_at") WHERE processed_at IS NULL AND dead_at IS NULL`);
    await q.query(
      `CREATE TABLE "outbox_delivery" ("event_id" uuid NOT NULL, "subscriber" character varying(100) NOT NULL, "delivered" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c4689dd6298faa7e05b7cf2da9a" PRIMARY KEY ("event_id", "subscriber"))`,
    );
    await q.query(
      `CREATE TABLE "essence" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "code" character varying(30) NOT NULL, "name" jsonb NOT NULL, "description" text, CONSTRAINT "UQ_59c003c8fd7c2f9ab14d621e7ce" UNIQUE ("code"), CONSTRAINT "PK_c465236f04523fba608d750e1d2" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "object_class" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "parent_id" bigint, "essence_id" bigint NOT NULL, "level" integer NOT NULL, "code" character varying(50) NOT NULL, "label" jsonb NOT NULL, "abstract" boolean NOT NULL DEFAULT false, CONSTRAINT "UQ_f5c61d8db4a37136670f61e9032" UNIQUE ("code"), CONSTRAINT "PK_184e628259839183ad5c6de5ffd" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_object_class_parent" ON "object_class"  ("parent_id") `);
    await q.query(
      `CREATE TABLE "object_type" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "class_id" bigint NOT NULL, "code" character varying(50) NOT NULL, "name" jsonb NOT NULL, "description" text, CONSTRAINT "PK_617b90dc9d9a457b6679e371f44" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_object_type_class_code" ON "object_type"  ("class_id", "code") `);
    await q.query(
      `CREATE TABLE "state_type" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "code" character varying(30) NOT NULL, "name" jsonb NOT NULL, CONSTRAINT "UQ_7471043e666912efb5824476374" UNIQUE ("code"), CONSTRAINT "PK_4c9041c107217c939be6a0e9622" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "state" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "class_id" bigint NOT NULL, "type_id" bigint NOT NULL, "code" character varying(50) NOT NULL, "label" jsonb NOT NULL, "sequence" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_549ffd046ebab1336c3a8030a12" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_state_class_code" ON "state"  ("class_id", "code") `);
    await q.query(
      `CREATE TABLE "action" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "code" character varying(30) NOT NULL, "name" jsonb NOT NULL, CONSTRAINT "UQ_867b5735661d59bb3b5096b31d0" UNIQUE ("code"), CONSTRAINT "PK_2d9db9cf5edfbbae74eb56e3a39" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "method" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "class_id" bigint NOT NULL, "state_id" bigint, "action_id" bigint NOT NULL, "code" character varying(100) NOT NULL, "label" jsonb NOT NULL, "sequence" integer NOT NULL DEFAULT '0', "visible" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_def6b33cb9809fb4b8ac44c69ae" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_method_class_action_global" ON "method"  ("class_id", "action_id") WHERE state_id IS NULL`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_method_class_state_action" ON "method"  ("class_id", "state_id", "action_id") WHERE state_id IS NOT NULL`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_method_class_code" ON "method"  ("class_id", "code") `);
    await q.query(
      `CREATE TABLE "transition" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "method_id" bigint NOT NULL, "new_state_id" bigint NOT NULL, CONSTRAINT "UQ_b161c6acb7aeaab3e41da23a0e8" UNIQUE ("method_id"), CONSTRAINT "PK_bb9daff96e2e8586928b5757e4e" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "workflow_event" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "class_id" bigint NOT NULL, "action_id" bigint NOT NULL, "kind" character varying(10) NOT NULL, "handler" character varying(100), "sequence" integer NOT NULL DEFAULT '0', "enabled" boolean NOT NULL DEFAULT true, CONSTRAINT "ck_workflow_event_kind" CHECK ((kind = 'parent' AND handler IS NULL) OR (kind = 'handler' AND handler IS NOT NULL)), CONSTRAINT "PK_bac71af50fca92a4b297a0daf78" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_workflow_event_class_action" ON "workflow_event"  ("class_id", "action_id", "sequence") `);
    await q.query(
      `CREATE TABLE "object" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "parent_id" bigint, "type_id" bigint NOT NULL, "class_id" bigint NOT NULL, "state_id" bigint NOT NULL, "owner_id" bigint, "oper_id" bigint, "label" character varying(500), "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "oper_date" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_663a4b1f68bb085286e638a38f3" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_object_parent" ON "object"  ("parent_id") `);
    await q.query(`CREATE INDEX "ix_object_class_state" ON "object"  ("class_id", "state_id") `);
    await q.query(
      `CREATE TABLE "object_state" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "object_id" bigint NOT NULL, "state_id" bigint NOT NULL, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_to" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT 'infinity', CONSTRAINT "ex_object_state_overlap" EXCLUDE USING gist ("object_id" WITH =, tstzrange("valid_from", "valid_to") WITH &&), CONSTRAINT "PK_887fef2a223813484527580102f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_object_state_object" ON "object_state"  ("object_id", "valid_from") `);
    await q.query(
      `CREATE TABLE "document" ("id" bigint NOT NULL, "area_id" bigint NOT NULL, "description" text, CONSTRAINT "PK_e57d3357f83f3cdc0acffc3d777" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_document_area" ON "document"  ("area_id") `);
    await q.query(
      `CREATE TABLE "reference" ("id" bigint NOT NULL, "class_id" bigint NOT NULL, "code" character varying(100) NOT NULL, "name" character varying(500), "description" text, CONSTRAINT "PK_01bacbbdd90839b7dce352e4250" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_reference_class_code" ON "reference"  ("class_id", "code") `);
    await q.query(
      `CREATE TABLE "acl_class" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "class_id" bigint NOT NULL, "user_id" bigint, "group_id" bigint, "allow" character varying(5) NOT NULL DEFAULT '', "deny" character varying(5) NOT NULL DEFAULT '', CONSTRAINT "ck_acl_class_principal" CHECK ((user_id IS NULL) <> (group_id IS NULL)), CONSTRAINT "PK_938023eade970736a8f45ac1287" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_acl_class_group" ON "acl_class"  ("class_id", "group_id") WHERE group_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "uq_acl_class_user" ON "acl_class"  ("class_id", "user_id") WHERE user_id IS NOT NULL`);
    await q.query(
      `CREATE TABLE "acl_method" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "method_id" bigint NOT NULL, "user_id" bigint, "group_id" bigint, "allow" character varying(3) NOT NULL DEFAULT '', "deny" character varying(3) NOT NULL DEFAULT '', CONSTRAINT "ck_acl_method_principal" CHECK ((user_id IS NULL) <> (group_id IS NULL)), CONSTRAINT "PK_c9d6f1014a70bf46a82130484a4" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_acl_method_group" ON "acl_method"  ("method_id", "group_id") WHERE group_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "uq_acl_method_user" ON "acl_method"  ("method_id", "user_id") WHERE user_id IS NOT NULL`);
    await q.query(
      `CREATE TABLE "acl_object" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "object_id" bigint NOT NULL, "user_id" bigint, "group_id" bigint, "allow" character varying(3) NOT NULL DEFAULT '', "deny" character varying(3) NOT NULL DEFAULT '', CONSTRAINT "ck_acl_object_principal" CHECK ((user_id IS NULL) <> (group_id IS NULL)), CONSTRAINT "PK_c57bccecb752ef62f2d945dfb20" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_acl_object_object" ON "acl_object"  ("object_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_acl_object_group" ON "acl_object"  ("object_id", "group_id") WHERE group_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "uq_acl_object_user" ON "acl_object"  ("object_id", "user_id") WHERE user_id IS NOT NULL`);
    await q.query(
      `CREATE TABLE "calendar" ("id" bigint NOT NULL, "work_days" smallint array NOT NULL DEFAULT '{1,2,3,4,5}', "work_hours" character varying(11) NOT NULL DEFAULT '09:00-18:00', CONSTRAINT "PK_2492fb846a48ea16d53864e3267" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "client" ("id" bigint NOT NULL, "code" character varying(100) NOT NULL, "user_id" bigint, "fullname" character varying(500), "shortname" character varying(200), "lastname" character varying(100), "firstname" character varying(100), "middlename" character varying(100), "birthday" date, "phone" jsonb, "email" jsonb, "info" jsonb, "locale_id" bigint, CONSTRAINT "UQ_3331ba630bece961ed0e0ab1dc2" UNIQUE ("code"), CONSTRAINT "UQ_f18a6fabea7b2a90ab6bf10a650" UNIQUE ("user_id"), CONSTRAINT "PK_96da49381769303a6515a8785c7" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `ALTER TABLE "object_class" ADD CONSTRAINT "FK_a2d9dc6bb392fdeef205d00ea1c" FOREIGN KEY ("parent_id") REFERENCES "object_class"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object_class" ADD CONSTRAINT "FK_156831d5c575e3c9947e3e12e63" FOREIGN KEY ("essence_id") REFERENCES "essence"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object_type" ADD CONSTRAINT "FK_0546db76b0f48be47b5ca7ea834" FOREIGN KEY ("class_id") REFERENCES "object_class"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "state" ADD CONSTRAINT "FK_e4d99e6b3402f2d8cadbe4f955b" FOREIGN KEY ("class_id") REFERENCES "object_class"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "state" ADD CONSTRAINT "FK_4c9041c107217c939be6a0e9622" FOREIGN KEY ("type_id") REFERENCES "state_type"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "method" ADD CONSTRAINT "FK_031f893ccd24b00e7a81dc800e5" FOREIGN KEY ("class_id") REFERENCES "object_class"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "method" ADD CONSTRAINT "FK_9100b894e9bd5cd8400ce37d16e" FOREIGN KEY ("state_id") REFERENCES "state"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "method" ADD CONSTRAINT "FK_c67907315198abb0f7773555f84" FOREIGN KEY ("action_id") REFERENCES "action"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "transition" ADD CONSTRAINT "FK_b161c6acb7aeaab3e41da23a0e8" FOREIGN KEY ("method_id") REFERENCES "method"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "transition" ADD CONSTRAINT "FK_030e96db2844a142e61124fc6e6" FOREIGN KEY ("new_state_id") REFERENCES "state"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "workflow_event" ADD CONSTRAINT "FK_1a59823b728698bda92f4dcb5ee" FOREIGN KEY ("class_id") REFERENCES "object_class"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "workflow_event" ADD CONSTRAINT "FK_f46e511c6b50ac8d1aedcc81797" FOREIGN KEY ("action_id") REFERENCES "action"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object" ADD CONSTRAINT "FK_f478c489e2ae49e0561a8f7cf64" FOREIGN KEY ("parent_id") REFERENCES "object"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object" ADD CONSTRAINT "FK_617b90dc9d9a457b6679e371f44" FOREIGN KEY ("type_id") REFERENCES "object_type"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object" ADD CONSTRAINT "FK_184e628259839183ad5c6de5ffd" FOREIGN KEY ("class_id") REFERENCES "object_class"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object" ADD CONSTRAINT "FK_887fef2a223813484527580102f" FOREIGN KEY ("state_id") REFERENCES "state"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object_state" ADD CONSTRAINT "FK_f582d7925b62065ba2c828c410a" FOREIGN KEY ("object_id") REFERENCES "object"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "object_state" ADD CONSTRAINT "FK_1b0ebf1a7b5fce06a8996968e2d" FOREIGN KEY ("state_id") REFERENCES "state"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "document" ADD CONSTRAINT "FK_e57d3357f83f3cdc0acffc3d777" FOREIGN KEY ("id") REFERENCES "object"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "document" ADD CONSTRAINT "FK_832d460fb3ec24333cccb03072c" FOREIGN KEY ("area_id") REFERENCES "area"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "reference" ADD CONSTRAINT "FK_01bacbbdd90839b7dce352e4250" FOREIGN KEY ("id") REFERENCES "object"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "acl_class" ADD CONSTRAINT "FK_f4a12a36a1c05bd2f7cf93c6bfd" FOREIGN KEY ("class_id") REFERENCES "object_class"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "acl_method" ADD CONSTRAINT "FK_6e224231fd813815dae88f894df" FOREIGN KEY ("method_id") REFERENCES "method"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "acl_object" ADD CONSTRAINT "FK_154864b68a3d34fc9cd56196646" FOREIGN KEY ("object_id") REFERENCES "object"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "calendar" ADD CONSTRAINT "FK_2492fb846a48ea16d53864e3267" FOREIGN KEY ("id") REFERENCES "reference"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "client" ADD CONSTRAINT "FK_96da49381769303a6515a8785c7" FOREIGN KEY ("id") REFERENCES "document"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "client" DROP CONSTRAINT "FK_96da49381769303a6515a8785c7"`);
    await q.query(`ALTER TABLE "calendar" DROP CONSTRAINT "FK_2492fb846a48ea16d53864e3267"`);
    await q.query(`ALTER TABLE "acl_object" DROP CONSTRAINT "FK_154864b68a3d34fc9cd56196646"`);
    await q.query(`ALTER TABLE "acl_method" DROP CONSTRAINT "FK_6e224231fd813815dae88f894df"`);
    await q.query(`ALTER TABLE "acl_class" DROP CONSTRAINT "FK_f4a12a36a1c05bd2f7cf93c6bfd"`);
    await q.query(`ALTER TABLE "reference" DROP CONSTRAINT "FK_01bacbbdd90839b7dce352e4250"`);
    await q.query(`ALTER TABLE "document" DROP CONSTRAINT "FK_832d460fb3ec24333cccb03072c"`);
    await q.query(`ALTER TABLE "document" DROP CONSTRAINT "FK_e57d3357f83f3cdc0acffc3d777"`);
    await q.query(`ALTER TABLE "object_state" DROP CONSTRAINT "FK_1b0ebf1a7b5fce06a8996968e2d"`);
    await q.query(`ALTER TABLE "object_state" DROP CONSTRAINT "FK_f582d7925b62065ba2c828c410a"`);
    await q.query(`ALTER TABLE "object" DROP CONSTRAINT "FK_887fef2a223813484527580102f"`);
    await q.query(`ALTER TABLE "object" DROP CONSTRAINT "FK_184e628259839183ad5c6de5ffd"`);
    await q.query(`ALTER TABLE "object" DROP CONSTRAINT "FK_617b90dc9d9a457b6679e371f44"`);
    await q.query(`ALTER TABLE "object" DROP CONSTRAINT "FK_f478c489e2ae49e0561a8f7cf64"`);
    await q.query(`ALTER TABLE "workflow_event" DROP CONSTRAINT "FK_f46e511c6b50ac8d1aedcc81797"`);
    await q.query(`ALTER TABLE "workflow_event" DROP CONSTRAINT "FK_1a59823b728698bda92f4dcb5ee"`);
    await q.query(`ALTER TABLE "transition" DROP CONSTRAINT "FK_030e96db2844a142e61124fc6e6"`);
    await q.query(`ALTER TABLE "transition" DROP CONSTRAINT "FK_b161c6acb7aeaab3e41da23a0e8"`);
    await q.query(`ALTER TABLE "method" DROP CONSTRAINT "FK_c67907315198abb0f7773555f84"`);
    await q.query(`ALTER TABLE "method" DROP CONSTRAINT "FK_9100b894e9bd5cd8400ce37d16e"`);
    await q.query(`ALTER TABLE "method" DROP CONSTRAINT "FK_031f893ccd24b00e7a81dc800e5"`);
    await q.query(`ALTER TABLE "state" DROP CONSTRAINT "FK_4c9041c107217c939be6a0e9622"`);
    await q.query(`ALTER TABLE "state" DROP CONSTRAINT "FK_e4d99e6b3402f2d8cadbe4f955b"`);
    await q.query(`ALTER TABLE "object_type" DROP CONSTRAINT "FK_0546db76b0f48be47b5ca7ea834"`);
    await q.query(`ALTER TABLE "object_class" DROP CONSTRAINT "FK_156831d5c575e3c9947e3e12e63"`);
    await q.query(`ALTER TABLE "object_class" DROP CONSTRAINT "FK_a2d9dc6bb392fdeef205d00ea1c"`);
    await q.query(`DROP TABLE "client"`);
    await q.query(`DROP TABLE "calendar"`);
    await q.query(`DROP INDEX "public"."uq_acl_object_user"`);
    await q.query(`DROP INDEX "public"."uq_acl_object_group"`);
    await q.query(`DROP INDEX "public"."ix_acl_object_object"`);
    await q.query(`DROP TABLE "acl_object"`);
    await q.query(`DROP INDEX "public"."uq_acl_method_user"`);
    await q.query(`DROP INDEX "public"."uq_acl_method_group"`);
    await q.query(`DROP TABLE "acl_method"`);
    await q.query(`DROP INDEX "public"."uq_acl_class_user"`);
    await q.query(`DROP INDEX "public"."uq_acl_class_group"`);
    await q.query(`DROP TABLE "acl_class"`);
    await q.query(`DROP INDEX "public"."uq_reference_class_code"`);
    await q.query(`DROP TABLE "reference"`);
    await q.query(`DROP INDEX "public"."ix_document_area"`);
    await q.query(`DROP TABLE "document"`);
    await q.query(`DROP INDEX "public"."ix_object_state_object"`);
    await q.query(`DROP TABLE "object_state"`);
    await q.query(`DROP INDEX "public"."ix_object_class_state"`);
    await q.query(`DROP INDEX "public"."ix_object_parent"`);
    await q.query(`DROP TABLE "object"`);
    await q.query(`DROP INDEX "public"."ix_workflow_event_class_action"`);
    await q.query(`DROP TABLE "workflow_event"`);
    await q.query(`DROP TABLE "transition"`);
    await q.query(`DROP INDEX "public"."uq_method_class_code"`);
    await q.query(`DROP INDEX "public"."uq_method_class_state_action"`);
    await q.query(`DROP INDEX "public"."uq_method_class_action_global"`);
    await q.query(`DROP TABLE "method"`);
    await q.query(`DROP TABLE "action"`);
    await q.query(`DROP INDEX "public"."uq_state_class_code"`);
    await q.query(`DROP TABLE "state"`);
    await q.query(`DROP TABLE "state_type"`);
    await q.query(`DROP INDEX "public"."uq_object_type_class_code"`);
    await q.query(`DROP TABLE "object_type"`);
    await q.query(`DROP INDEX "public"."ix_object_class_parent"`);
    await q.query(`DROP TABLE "object_class"`);
    await q.query(`DROP TABLE "essence"`);
    await q.query(`DROP TABLE "outbox_delivery"`);
    await q.query(`DROP INDEX "public"."ix_outbox_pending"`);
    await q.query(`DROP TABLE "outbox"`);
    await q.query('DROP EXTENSION IF EXISTS btree_gist');
  }
}
