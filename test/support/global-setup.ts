import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDataSource } from '../../src/database/data-source.js';
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.js';
import { createDatabase, dropDatabase, withDatabase } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL with rights to create databases (the run's server, database `postgres`). */
    adminUrl: string;
    /** The migrated template every test file clones. */
    templateDatabase: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Once per run: TEST_DATABASE_URL (or DATABASE_URL) when set, else a throwaway embedded PostgreSQL;
 * then one migrated template database that each test file clones.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let embedded: EmbeddedPostgresServer | undefined;
  let adminUrl: string;
  if (external) {
    adminUrl = external;
  } else {
    const root = await mkdtemp(path.join(os.tmpdir(), 'platform-test-'));
    await chmod(root, 0o755); // PostgreSQL runs as the postgres user when we are root
    const dataDir = path.join(root, 'pg');
    embedded = new EmbeddedPostgresServer({ dataDir, port: await freePort(), database: 'postgres', persistent: false });
    adminUrl = await embedded.start();
  }

  const template = `platform_tpl_${process.pid}_${Date.now().toString(36)}`;
  await createDatabase(adminUrl, template);
  const ds = createDataSource(withDatabase(adminUrl, template), 2);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();

  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', template);

  return async () => {
    await dropDatabase(adminUrl, template).catch(() => {});
    await embedded?.stop();
  };
}
