import { type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import supertest from 'supertest';
import { inject } from 'vitest';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { cloneTemplate, type TestDatabase } from './database.js';
import { freePort } from './server-process.js';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  db: TestDatabase;
  /** http://127.0.0.1:<port> of the listening server. */
  baseUrl: string;
  /** supertest bound to the listening server: real HTTP over loopback. */
  http: ReturnType<typeof supertest>;
  close(): Promise<void>;
}

/** A fresh database cloned from the migrated template. */
export function testDatabase(): Promise<TestDatabase> {
  return cloneTemplate(inject('adminUrl'), inject('templateDatabase'));
}

/**
 * The real application (same module and HTTP pipeline as main.ts) on its own fresh database, listening
 * on a free loopback port. `env` overrides configuration variables.
 */
export async function startTestApp(
  options: { env?: Record<string, string>; imports?: (Type | DynamicModule)[]; logDestination?: DestinationStream } = {},
): Promise<TestApp> {
  const db = await testDatabase();
  // The port is chosen first so the OAuth issuer (which names it) matches the address clients call.
  const port = await freePort();
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    NODE_ENV: 'test',
    PORT: String(port),
    OIDC_ISSUER: `http://127.0.0.1:${port}/oauth2`,
    ...options.env,
    DATABASE_URL: db.url,
  });
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({ config, databaseUrl: db.url, imports: options.imports, logDestination: options.logDestination }),
    {
      bodyParser: false,
      bufferLogs: true,
      abortOnError: false,
    },
  );
  configureApp(app, config);
  await app.listen(port, '127.0.0.1');
  return {
    app,
    config,
    db,
    baseUrl: `http://127.0.0.1:${port}`,
    http: supertest(app.getHttpServer()),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
