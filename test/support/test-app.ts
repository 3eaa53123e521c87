import { type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { inject } from 'vitest';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { cloneTemplate, type TestDatabase } from './database.js';

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
 * on an ephemeral loopback port. `env` overrides configuration variables.
 */
export async function startTestApp(options: { env?: Record<string, string>; imports?: (Type | DynamicModule)[] } = {}): Promise<TestApp> {
  const db = await testDatabase();
  const config = loadConfig({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', NODE_ENV: 'test', ...options.env, DATABASE_URL: db.url });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register({ config, databaseUrl: db.url, imports: options.imports }), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
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
