import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation's schema: the extensions later modules rely on. Business tables come with their modules.
 * citext gives case-insensitive unique logins and emails without lower() on every lookup.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS citext');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP EXTENSION IF EXISTS citext');
  }
}
