import pg from 'pg';
import { createDataSource } from './data-source.js';

/**
 * The key of the advisory lock every process holds while it migrates and initialises (any constant unique to
 * this service; hashtext('platform:startup') would do, a literal saves a round trip).
 */
const STARTUP_LOCK = 7_301_995_214_117_355_001n;

/**
 * Runs `work` holding a session-level PostgreSQL advisory lock, on a connection of its own: N instances started
 * at once on an empty database take turns (the first migrates, the others find nothing to do), and first-start
 * seeding (administrator, keys, bootstrap client, handler bindings) never races. A process that dies releases
 * the lock with its connection.
 */
export async function withStartupLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, application_name: 'platform-startup' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK.toString()]);
    return await work();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK.toString()]).catch(() => {});
    await client.end().catch(() => {});
  }
}

/** Applies the pending migrations (call it inside withStartupLock); answers the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = createDataSource(url, 2);
  await ds.initialize();
  try {
    return (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
