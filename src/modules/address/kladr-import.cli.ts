/**
 * `npm run kladr:import -- <directory or Base.7z>`: imports a KLADR release as the tax service ships it into the
 * database the server uses (DATABASE_URL, or the embedded default), with a progress bar on a terminal and plain
 * progress lines otherwise, and a summary at the end. Exit code 0 when the new tree is in force, 1 when the
 * import failed (the tree in force is untouched), 2 for a usage error.
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import cliProgress from 'cli-progress';
import { UnitOfWorkModule } from '../../common/database/unit-of-work.module.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { type AppConfig, loadConfig, loadDotEnv } from '../../config/app-config.js';
import { ConfigModule } from '../../config/config.module.js';
import { dataSourceOptions } from '../../database/data-source.js';
import { openDatabase } from '../../database/database-runtime.js';
import { KladrImportModule } from './address.module.js';
import { type ImportProgress, type ImportSummary, KladrImporter } from './kladr-importer.service.js';
import { LEVELS } from './kladr-code.js';

/** Plain progress lines (no terminal) at most this often. */
const PLAIN_EVERY_MS = 2_000;

@Module({})
class KladrCliModule {
  static register(config: AppConfig, url: string): DynamicModule {
    return {
      module: KladrCliModule,
      imports: [
        ConfigModule.register(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(url, 3), migrationsRun: true, retryAttempts: 1 }),
        UnitOfWorkModule,
        KladrImportModule,
      ],
    };
  }
}

/** Records/s and the time left, from the start of reading. */
class Rate {
  private readonly started = Date.now();

  perSecond(done: number): number {
    const seconds = (Date.now() - this.started) / 1000;
    return seconds > 0 ? Math.round(done / seconds) : 0;
  }

  eta(done: number, total: number): string {
    const rate = this.perSecond(done);
    return rate > 0 && total > done ? `${Math.ceil((total - done) / rate)} s` : '-';
  }
}

/** A cli-progress bar on a terminal; otherwise a line every PLAIN_EVERY_MS and one per phase. */
function progressReporter(tty: boolean): { update(p: ImportProgress): void; stop(): void } {
  const rate = new Rate();
  let phase = '';
  if (tty) {
    const bar = new cliProgress.SingleBar(
      { format: '{file} |{bar}| {percentage}% | {value}/{total} records | {rate} records/s | ETA {left}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = { file: (p.file ?? p.phase).padEnd(10), rate: rate.perSecond(p.done), left: rate.eta(p.done, p.total) };
        if (!started) {
          bar.start(p.total, p.done, payload);
          started = true;
        }
        if (p.phase !== 'reading' && phase !== p.phase) {
          bar.update(p.total, { ...payload, file: p.phase.padEnd(10), left: '-' });
        } else bar.update(p.done, payload);
        phase = p.phase;
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (p.phase === phase && now - last < PLAIN_EVERY_MS) return;
      last = now;
      phase = p.phase;
      if (p.phase !== 'reading') {
        console.log(p.phase === 'indexing' ? 'building the indexes of the new tree' : 'putting the new tree in place');
        return;
      }
      const percent = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 0;
      console.log(
        `reading ${p.file}: ${p.done}/${p.total} records (${percent}%), ${rate.perSecond(p.done)} records/s, ETA ${rate.eta(p.done, p.total)}`,
      );
    },
    stop: () => {},
  };
}

function printSummary(s: ImportSummary, seconds: number): void {
  const levels = s.levels.map((n, i) => `${LEVELS[i]} ${n}`).join(', ');
  const lines = [
    `KLADR release ${s.release} imported (run ${s.id}) in ${seconds.toFixed(1)} s`,
    `  records read  ${s.read}`,
    `  current       ${s.current} nodes (${levels})`,
    `  skipped       ${s.skipped} (not current: actuality flag not 00)`,
    `  rejected      ${s.rejected}`,
    ...s.rejections.map((r) => `    ${r.file}${r.record === null ? '' : `, record ${r.record}`}: ${r.reason}`),
    ...(s.rejected > s.rejections.length ? [`    ... and ${s.rejected - s.rejections.length} more`] : []),
    `  orphans       ${s.orphans} (parent not in the release)`,
  ];
  console.log(lines.join('\n'));
}

/** The embedded database's server runs in the server's process tree: starting a second one would stop it. */
function embeddedInUse(config: AppConfig): boolean {
  const pidFile = path.join(config.database.dataDir, 'pg', 'postmaster.pid');
  if (config.database.url || !existsSync(pidFile)) return false;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const source = process.argv[2];
  if (!source || process.argv.length > 3 || source.startsWith('-')) {
    console.error('usage: npm run kladr:import -- <directory with KLADR.DBF, STREET.DBF, SOCRBASE.DBF | Base.7z>');
    return 2;
  }
  loadDotEnv();
  const config = loadConfig();
  if (embeddedInUse(config)) {
    console.error(
      'KLADR import: the embedded database is in use by a running server; import through the API (POST /api/v1/address/tree/import) or stop the server first',
    );
    return 1;
  }
  const db = await openDatabase(config.database, () => {});
  const app = await NestFactory.createApplicationContext(KladrCliModule.register(config, db.url), {
    logger: ['error'],
    abortOnError: false,
  });
  const progress = progressReporter(Boolean(process.stdout.isTTY));
  const started = Date.now();
  try {
    const summary = await app.get(KladrImporter).import(path.resolve(source), { onProgress: (p) => progress.update(p) });
    progress.stop();
    printSummary(summary, (Date.now() - started) / 1000);
    return 0;
  } catch (err) {
    progress.stop();
    console.error(`KLADR import failed: ${err instanceof DomainError ? err.message : (err as Error).message}`);
    console.error('the address tree in force is unchanged');
    return 1;
  } finally {
    await app.close().catch(() => {});
    await db.stop().catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`KLADR import failed: ${err.message}`);
    process.exit(1);
  },
);
