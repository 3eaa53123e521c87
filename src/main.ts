import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { type AppConfig, loadConfig, loadDotEnv } from './config/app-config.js';
import { openDatabase, type DatabaseHandle } from './database/database-runtime.js';
import { describeDatabaseUrl } from './database/database-url.js';

/** Boot: config, database (external or embedded), Nest app, listen. Any failure is one log line and exit 1. */
async function bootstrap(log: pino.Logger): Promise<void> {
  loadDotEnv();
  const config: AppConfig = loadConfig();
  log.level = config.log.level;

  const started = Date.now();
  const db: DatabaseHandle = await openDatabase(config.database, (line) => log.debug({ postgres: line }));
  log.info(`database ready (${db.embedded ? 'embedded' : 'external'}) at ${describeDatabaseUrl(db.url)} in ${Date.now() - started} ms`);

  let app: NestExpressApplication | undefined;
  const shutdown = async (signal: string) => {
    log.info(`${signal} received: shutting down`);
    await app?.close().catch((err: Error) => log.error({ err }, 'error while closing the app'));
    await db.stop().catch((err: Error) => log.error({ err }, 'error while stopping the embedded database'));
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal));

  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.register({ config, databaseUrl: db.url }), {
      bodyParser: false,
      bufferLogs: true,
      abortOnError: false,
    });
    configureApp(app, config);
    await app.init();
    await listen(app, config.http.port, config.http.host);
  } catch (err) {
    await app?.close().catch(() => {});
    await db.stop().catch(() => {});
    throw err;
  }
  log.info(`listening on http://${config.http.host}:${config.http.port} (Swagger UI at /docs) in ${Date.now() - started} ms`);
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

const log = pino({ base: { context: 'bootstrap' } });
bootstrap(log).catch((err: NodeJS.ErrnoException) => {
  const reason = err.code === 'EADDRINUSE' ? `port already in use (${err.message})` : err.message;
  log.fatal(`startup failed: ${reason}`);
  process.exit(1);
});
