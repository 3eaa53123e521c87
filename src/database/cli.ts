/**
 * Migration CLI: `node dist/src/database/cli.js run | revert | generate <Name>` (see package.json scripts).
 * Uses DATABASE_URL, or the embedded default when it is unset, exactly as the server does.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, loadDotEnv } from '../config/app-config.js';
import { createDataSource, pendingSchemaChanges } from './data-source.js';
import { openDatabase } from './database-runtime.js';
import { runMigrations, withStartupLock } from './startup.js';

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  if (!['run', 'revert', 'generate'].includes(command ?? '') || (command === 'generate' && !/^[A-Z][A-Za-z0-9]{2,80}$/.test(name ?? ''))) {
    console.error('usage: cli.js run | revert | generate <PascalCaseName>');
    return 2;
  }
  loadDotEnv();
  const config = loadConfig();
  const db = await openDatabase(config.database, () => {});
  const ds = createDataSource(db.url, 2);
  try {
    await ds.initialize();
    if (command === 'run') {
      const applied = await withStartupLock(db.url, () => runMigrations(db.url));
      console.log(applied.length ? applied.map((name) => `applied ${name}`).join('\n') : 'no pending migrations');
    } else if (command === 'revert') {
      await ds.undoLastMigration({ transaction: 'each' });
      console.log('reverted the last migration');
    } else {
      await ds.runMigrations({ transaction: 'each' });
      const { up, down } = await pendingSchemaChanges(ds);
      if (up.length === 0) {
        console.log('entities and migrations agree: nothing to generate');
      } else {
        const file = await writeMigration(name, up, down);
        console.log(`wrote ${file}: review the SQL, then add it to migrations/index.ts`);
      }
    }
    return 0;
  } finally {
    await ds.destroy().catch(() => {});
    await db.stop();
  }
}

async function writeMigration(name: string, up: string[], down: string[]): Promise<string> {
  const stamp = Date.now();
  const cls = `${name}${stamp}`;
  const lines = (qs: string[]) =>
    qs.map((q) => `    await q.query(\`${q.replace(/[`\\]/g, '\\$&').replace(/\$\{/g, '\\${')}\`);`).join('\n');
  const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${cls} implements MigrationInterface {
  name = '${cls}';

  async up(q: QueryRunner): Promise<void> {
${lines(up)}
  }

  async down(q: QueryRunner): Promise<void> {
${lines([...down].reverse())}
  }
}
`;
  const file = path.resolve('migrations', `${stamp}-${name}.ts`);
  await writeFile(file, body);
  return file;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`migration ${process.argv[2]} failed: ${err.message}`);
    process.exit(1);
  },
);
