import path from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvironmentVariables } from './env.schema.js';

/** The typed, validated configuration the whole service reads. Built once at boot. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: {
    port: number;
    host: string;
    bodyLimit: string;
    bodyMaxFields: number;
    /** Empty: CORS off. `*`: any origin. Otherwise the listed origins. */
    corsOrigins: string[];
    trustProxy: boolean;
  };
  database: {
    /** Set: use that server. Unset: start the embedded PostgreSQL under `dataDir`. */
    url?: string;
    poolSize: number;
    dataDir: string;
    embeddedPort: number;
  };
  log: { level: string };
  list: { defaultLimit: number; maxLimit: number };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the environment; a missing or bad variable names itself in a ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const raw: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const vars = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(vars, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}=${JSON.stringify(env[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`Invalid configuration: ${lines.join(' | ')}`);
  }
  if (vars.LIST_DEFAULT_LIMIT > vars.LIST_MAX_LIMIT) {
    throw new ConfigError('Invalid configuration: LIST_DEFAULT_LIMIT must not exceed LIST_MAX_LIMIT');
  }
  return {
    env: vars.NODE_ENV,
    http: {
      port: vars.PORT,
      host: vars.HOST,
      bodyLimit: vars.BODY_LIMIT.toLowerCase(),
      bodyMaxFields: vars.BODY_MAX_FIELDS,
      corsOrigins: vars.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
      trustProxy: vars.TRUST_PROXY,
    },
    database: {
      url: vars.DATABASE_URL,
      poolSize: vars.DB_POOL_SIZE,
      dataDir: path.resolve(vars.DATA_DIR),
      embeddedPort: vars.EMBEDDED_PG_PORT,
    },
    log: { level: vars.LOG_LEVEL },
    list: { defaultLimit: vars.LIST_DEFAULT_LIMIT, maxLimit: vars.LIST_MAX_LIMIT },
  };
}

/** Loads `.env` from the working directory when there is one (real environment variables win). */
export function loadDotEnv(file = '.env'): void {
  try {
    process.loadEnvFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
