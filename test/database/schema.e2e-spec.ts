import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, dataSourceOptions, pendingSchemaChanges } from '../../src/database/data-source.js';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import type { TestDatabase } from '../support/database.js';
import { testDatabase } from '../support/test-app.js';

@Entity()
class SchemaProbe {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  label: string;
}

describe('entities and migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(() => db.drop());

  it('agree: generating a migration from the migrated database yields nothing', async () => {
    const ds = createDataSource(db.url, 1);
    await ds.initialize();
    try {
      expect(await ds.showMigrations()).toBe(false); // every migration is applied
      expect((await pendingSchemaChanges(ds)).up).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('the check does see an entity that no migration creates', async () => {
    const base = dataSourceOptions(db.url, 1);
    const ds = new DataSource({ ...base, entities: [...(base.entities as Function[]), SchemaProbe] });
    await ds.initialize();
    try {
      const { up } = await pendingSchemaChanges(ds);
      expect(up.join('\n')).toMatch(/CREATE TABLE "schema_probe"/);
    } finally {
      await ds.destroy();
    }
  });

  it('every migration reverts and re-applies cleanly', async () => {
    const ds = createDataSource(db.url, 1);
    await ds.initialize();
    try {
      for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      expect(await ds.query('SELECT count(*)::int AS n FROM migrations')).toEqual([{ n: 0 }]);
      const applied = await ds.runMigrations({ transaction: 'each' });
      expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => (m as { name: string }).name));
      expect((await pendingSchemaChanges(ds)).up).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});
