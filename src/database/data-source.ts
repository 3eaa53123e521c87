import { DataSource, type DataSourceOptions } from 'typeorm';
import { PreparingClient } from '../common/database/prepared-statements.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

/** The one DataSource definition, shared by the app, the migration CLI and the tests. */
export function dataSourceOptions(url: string, poolSize = 10, connectTimeoutMs = 5_000): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    // Generated UUIDs are PostgreSQL's own gen_random_uuid() (core since 13), not uuid-ossp's.
    uuidExtension: 'pgcrypto',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    poolSize,
    // pg uses it both for connecting and for waiting on an exhausted pool: past it the request is a 503.
    connectTimeoutMS: connectTimeoutMs,
    applicationName: 'platform',
    // JIT compilation costs ~15 ms on the list queries (many joins make their cost estimates look big)
    // and never pays off for short OLTP queries.
    // The pool's client sends the texts marked prepared() as named statements (parsed and planned once per connection).
    extra: { options: '-c jit=off', Client: PreparingClient },
    logging: false,
  };
}

export function createDataSource(url: string, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(url, poolSize));
}

/**
 * The SQL TypeORM would run to make the database match the entities: empty when entities and
 * migrations agree. Used by `migration:generate` and by the schema-agreement test.
 */
export async function pendingSchemaChanges(ds: DataSource): Promise<{ up: string[]; down: string[] }> {
  const log = await ds.driver.createSchemaBuilder().log();
  return {
    up: log.upQueries.map((q) => q.query),
    down: log.downQueries.map((q) => q.query),
  };
}
