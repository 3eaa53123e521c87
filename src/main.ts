import 'reflect-metadata';
import cluster, { type Worker } from 'node:cluster';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { type AppConfig, loadConfig, loadDotEnv } from './config/app-config.js';
import { openDatabase, type DatabaseHandle } from './database/database-runtime.js';
import { describeDatabaseUrl } from './database/database-url.js';
import { runMigrations, withStartupLock } from './database/startup.js';

/** What a worker tells the primary. */
type WorkerMessage = { type: 'ready' } | { type: 'failed'; reason: string };

/** A worker that dies this soon after its start is not restarted in a loop: the primary gives up. */
const RESTART_WINDOW_MS = 10_000;

/**
 * Boot: config, database (external or embedded), migrations, then either the app in this process
 * (WEB_CONCURRENCY=1) or a node:cluster primary that forks WEB_CONCURRENCY workers. Any failure is one log line
 * and exit 1.
 */
async function bootstrap(log: pino.Logger): Promise<void> {
  loadDotEnv();
  const config: AppConfig = loadConfig();
  log.level = config.log.level;
  if (cluster.isWorker) return runWorker(config, log);

  const started = Date.now();
  const db: DatabaseHandle = await openDatabase(config.database, (line) => log.debug({ postgres: line }));
  log.info(`database ready (${db.embedded ? 'embedded' : 'external'}) at ${describeDatabaseUrl(db.url)} in ${Date.now() - started} ms`);
  try {
    if (config.http.workers > 1) {
      const applied = await withStartupLock(db.url, () => runMigrations(db.url));
      if (applied.length) log.info(`applied migrations: ${applied.join(', ')}`);
      await runPrimary(config, db, log);
    } else {
      await runSingle(config, db, log);
    }
  } catch (err) {
    await db.stop().catch(() => {});
    throw err;
  }
  log.info(
    `listening on http://${config.http.host}:${config.http.port}${config.http.workers > 1 ? ` (${config.http.workers} workers)` : ''} (Swagger UI at /docs) in ${Date.now() - started} ms`,
  );
}

/** Builds and initialises the app under the startup lock (first-start seeding never races), then listens. */
async function startApp(config: AppConfig, url: string, migrate: boolean): Promise<NestExpressApplication> {
  let app: NestExpressApplication | undefined;
  try {
    await withStartupLock(url, async () => {
      if (migrate) await runMigrations(url);
      app = await NestFactory.create<NestExpressApplication>(AppModule.register({ config, databaseUrl: url }), {
        bodyParser: false,
        bufferLogs: true,
        abortOnError: false,
      });
      configureApp(app, config);
      await app.init();
    });
    await listen(app!, config.http.port, config.http.host);
    return app!;
  } catch (err) {
    await app?.close().catch(() => {});
    throw err;
  }
}

async function runSingle(config: AppConfig, db: DatabaseHandle, log: pino.Logger): Promise<void> {
  let app: NestExpressApplication | undefined;
  const shutdown = async (signal: string) => {
    log.info(`${signal} received: shutting down`);
    await app?.close().catch((err: Error) => log.error({ err }, 'error while closing the app'));
    await db.stop().catch((err: Error) => log.error({ err }, 'error while stopping the embedded database'));
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal));
  app = await startApp(config, db.url, true);
}

/**
 * A worker: the stateless app with its own pool, on the database the primary resolved (DATABASE_URL in its
 * environment, so it never starts an embedded server). It reports ready or why it failed, and logs nothing of
 * that itself: the primary's line is the one line a failed start prints.
 */
async function runWorker(config: AppConfig, log: pino.Logger): Promise<void> {
  const send = (message: WorkerMessage) => process.send?.(message);
  let app: NestExpressApplication | undefined;
  const shutdown = async () => {
    await app?.close().catch((err: Error) => log.error({ err }, 'error while closing the app'));
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown());
  try {
    app = await startApp(config, config.database.url!, false);
  } catch (err) {
    send({ type: 'failed', reason: startupReason(err as NodeJS.ErrnoException) });
    process.exit(1);
  }
  send({ type: 'ready' });
}

/**
 * The primary serves nothing itself: it forks the workers (the cluster shares the listening socket), waits for
 * each to be ready, replaces a worker that dies later, and on SIGTERM/SIGINT stops the workers, then the
 * embedded database.
 */
function runPrimary(config: AppConfig, db: DatabaseHandle, log: pino.Logger): Promise<void> {
  let stopping = false;
  const env = { DATABASE_URL: db.url };
  const startedAt = new Map<Worker, number>();
  const fork = () => {
    const worker = cluster.fork(env);
    startedAt.set(worker, Date.now());
    return worker;
  };

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: stopping ${Object.keys(cluster.workers ?? {}).length} workers`);
    const exits = Object.values(cluster.workers ?? {}).map(
      (w) => new Promise<void>((resolve) => (w!.isDead() ? resolve() : (w!.once('exit', () => resolve()), w!.process.kill('SIGTERM')))),
    );
    await Promise.all(exits);
    await db.stop().catch((err: Error) => log.error({ err }, 'error while stopping the embedded database'));
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(signal));

  return new Promise<void>((resolve, reject) => {
    let ready = 0;
    const failed = (reason: string) => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      reject(new Error(reason));
    };
    cluster.on('message', (_worker, message: WorkerMessage) => {
      if (message.type === 'failed' && ready < config.http.workers) failed(message.reason);
      if (message.type === 'ready' && ++ready === config.http.workers) resolve();
    });
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      if (ready < config.http.workers) return failed(`a worker exited (${code ?? signal}) before it was ready`);
      const lived = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      log.error(`worker ${worker.process.pid} exited (${code ?? signal}) after ${lived} ms`);
      if (lived >= RESTART_WINDOW_MS) return void fork();
      log.error('not restarting a worker that died this soon after its start');
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        log.fatal('no workers left: stopping');
        void db.stop().finally(() => process.exit(1));
      }
    });
    for (let i = 0; i < config.http.workers; i++) fork();
  });
}

/** Like app.listen(), but a listen error (port taken) reaches our one-line report instead of Nest's logger. */
function listen(app: NestExpressApplication, port: number, host: string): Promise<void> {
  const server = app.getHttpServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function startupReason(err: NodeJS.ErrnoException): string {
  return err.code === 'EADDRINUSE' ? `port already in use (${err.message})` : err.message;
}

const log = pino({ base: { context: cluster.isWorker ? `worker ${process.pid}` : 'bootstrap' } });
bootstrap(log).catch((err: NodeJS.ErrnoException) => {
  log.fatal(`startup failed: ${startupReason(err)}`);
  process.exit(1);
});
