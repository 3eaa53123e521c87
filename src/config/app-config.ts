import os from 'node:os';
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
    /** Deepest nesting and most keys/elements of any parsed input (body, query, form, OAuth parameters). */
    bodyMaxDepth: number;
    bodyMaxKeys: number;
    /** Worker processes `npm start` runs (node:cluster); 1: no cluster, the app runs in the main process. */
    workers: number;
    /** Node's HTTP server limits: slow or idle clients are cut off, connections and headers bounded. */
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxConnections: number;
    maxHeaderSize: number;
    /** Seconds a 503 (database unavailable) tells clients to wait before retrying. */
    retryAfterSeconds: number;
    /** Empty: CORS off. `*`: any origin. Otherwise the listed origins. */
    corsOrigins: string[];
    trustProxy: boolean;
  };
  database: {
    /** Set: use that server. Unset: start the embedded PostgreSQL under `dataDir`. */
    url?: string;
    poolSize: number;
    /** Longest wait for a pooled connection or a new connection. */
    connectTimeoutMs: number;
    /** Times a transaction that PostgreSQL rolled back (conflict, lost connection before COMMIT) is run again. */
    retries: number;
    /** Backoff before the n-th retry: a random wait up to base * 2^n milliseconds. */
    retryBaseMs: number;
    dataDir: string;
    embeddedPort: number;
  };
  log: { level: string };
  list: { defaultLimit: number; maxLimit: number };
  /**
   * Domain events after commit: poll interval (0: no polling, drained on demand), batch size, attempts before
   * dead-lettering, and how long a claimed delivery stays leased to the instance that claimed it.
   */
  outbox: { pollMs: number; batchSize: number; maxAttempts: number; leaseSeconds: number; backoffBaseSeconds: number; wakeMs: number };
  /** How long a process reuses a class's workflow configuration (chain, methods, events); 0: never. */
  workflow: { cacheSeconds: number };
  /** The only directory the admin API may import KLADR releases from (the CLI takes any path). */
  kladr: { importDir: string };
  /** Object attachments: the largest file content one file may have (its base64 travels in the JSON body). */
  attachments: { fileMaxBytes: number };
  auth: {
    defaultLocale: 'ru' | 'en';
    /** `iss` of access tokens; the OAuth issuer. */
    issuer: string;
    audience: string;
    accessTokenTtl: number;
    refreshTokenTtl: number;
    authCodeTtl: number;
    lockThreshold: number;
    lockMinutes: number;
    /** Wrong PINs in a row (with wrong passwords) before the lock. */
    pinLockThreshold: number;
    nonceWindow: number;
    /** How long a process may trust its memory of an open session (0: always ask the database). */
    sessionCacheSeconds: number;
    /** HTTP Basic on the API (seed 002's examples), and how long a process trusts credentials it checked. */
    basicAuth: boolean;
    basicCacheSeconds: number;
    /** How often each process reloads the signing keys (a rotation elsewhere reaches its signatures); 0: never. */
    signingKeysReloadSeconds: number;
    legacyTokenTtl: number;
    legacyRefreshGrace: number;
    bootstrapAdmin: { username: string; password?: string };
    /** Shortest password sign/up and every other way of setting one accept (the bootstrap password is the operator's). */
    passwordMinLength: number;
    argon2: { memoryCost: number; timeCost: number; parallelism: number };
  };
  oauth: {
    bootstrapClient: { id?: string; secret?: string; redirectUris: string[] };
    /** Shortest client secret an administrator may choose (generated ones are 43 characters); the longest is 200. */
    clientSecretMinLength: number;
  };
  /** Seed 004's identification codes (see docs/qr-codes.md). */
  qr: {
    ttlSeconds: number;
    leadSeconds: number;
    retainSeconds: number;
    getUserAuth: 'none' | 'client';
    rateLimit: number;
    rateWindowSeconds: number;
  };
  /** Work shifts (docs/shifts.md). */
  shifts: { scanRepeatSeconds: number };
  /** The intranet portal's X-Callback-Key values (seed 001); none: its routes answer 404. */
  callbacks: { keys: string[] };
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
  if (vars.HTTP_HEADERS_TIMEOUT_MS > vars.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  if (vars.BOOTSTRAP_CLIENT_SECRET !== undefined && vars.BOOTSTRAP_CLIENT_SECRET.length < vars.CLIENT_SECRET_MIN_LENGTH) {
    throw new ConfigError(
      `Invalid configuration: BOOTSTRAP_CLIENT_SECRET must be at least CLIENT_SECRET_MIN_LENGTH (${vars.CLIENT_SECRET_MIN_LENGTH}) characters`,
    );
  }
  if (vars.QR_CODE_LEAD_SECONDS >= vars.QR_CODE_TTL_SECONDS) {
    throw new ConfigError('Invalid configuration: QR_CODE_LEAD_SECONDS must be less than QR_CODE_TTL_SECONDS');
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
      bodyMaxDepth: vars.BODY_MAX_DEPTH,
      bodyMaxKeys: vars.BODY_MAX_KEYS,
      workers: vars.WEB_CONCURRENCY ?? (vars.NODE_ENV === 'production' ? os.availableParallelism() : 1),
      headersTimeoutMs: vars.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: vars.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: vars.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: vars.HTTP_MAX_CONNECTIONS,
      maxHeaderSize: vars.HTTP_MAX_HEADER_SIZE,
      retryAfterSeconds: vars.RETRY_AFTER_SECONDS,
      corsOrigins: vars.CORS_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      trustProxy: vars.TRUST_PROXY,
    },
    database: {
      url: vars.DATABASE_URL,
      poolSize: vars.DB_POOL_SIZE,
      connectTimeoutMs: vars.DB_CONNECT_TIMEOUT_MS,
      retries: vars.DB_TX_RETRIES,
      retryBaseMs: vars.DB_TX_RETRY_BASE_MS,
      dataDir: path.resolve(vars.DATA_DIR),
      embeddedPort: vars.EMBEDDED_PG_PORT,
    },
    log: { level: vars.LOG_LEVEL },
    list: { defaultLimit: vars.LIST_DEFAULT_LIMIT, maxLimit: vars.LIST_MAX_LIMIT },
    outbox: {
      pollMs: vars.OUTBOX_POLL_MS,
      batchSize: vars.OUTBOX_BATCH_SIZE,
      maxAttempts: vars.OUTBOX_MAX_ATTEMPTS,
      leaseSeconds: vars.OUTBOX_LEASE_SECONDS,
      backoffBaseSeconds: vars.OUTBOX_BACKOFF_BASE_SECONDS,
      wakeMs: vars.OUTBOX_WAKE_MS,
    },
    workflow: { cacheSeconds: vars.WORKFLOW_CACHE_SECONDS },
    kladr: { importDir: path.resolve(vars.KLADR_IMPORT_DIR) },
    attachments: { fileMaxBytes: vars.FILE_MAX_BYTES },
    auth: {
      defaultLocale: vars.DEFAULT_LOCALE,
      issuer: (vars.OIDC_ISSUER ?? `http://localhost:${vars.PORT}/oauth2`).replace(/\/$/, ''),
      audience: vars.TOKEN_AUDIENCE,
      accessTokenTtl: vars.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtl: vars.REFRESH_TOKEN_TTL_SECONDS,
      authCodeTtl: vars.AUTH_CODE_TTL_SECONDS,
      lockThreshold: vars.AUTH_LOCK_THRESHOLD,
      lockMinutes: vars.AUTH_LOCK_MINUTES,
      pinLockThreshold: vars.AUTH_PIN_LOCK_THRESHOLD,
      nonceWindow: vars.NONCE_WINDOW_SECONDS,
      sessionCacheSeconds: vars.SESSION_CACHE_SECONDS,
      basicAuth: vars.API_BASIC_AUTH,
      basicCacheSeconds: vars.API_BASIC_CACHE_SECONDS,
      signingKeysReloadSeconds: vars.SIGNING_KEYS_RELOAD_SECONDS,
      legacyTokenTtl: vars.LEGACY_TOKEN_TTL_SECONDS,
      legacyRefreshGrace: vars.LEGACY_REFRESH_GRACE_SECONDS,
      bootstrapAdmin: { username: vars.BOOTSTRAP_ADMIN_USERNAME, password: vars.BOOTSTRAP_ADMIN_PASSWORD },
      passwordMinLength: vars.PASSWORD_MIN_LENGTH,
      argon2: { memoryCost: vars.ARGON2_MEMORY_KIB, timeCost: vars.ARGON2_TIME_COST, parallelism: vars.ARGON2_PARALLELISM },
    },
    oauth: {
      bootstrapClient: {
        id: vars.BOOTSTRAP_CLIENT_ID,
        secret: vars.BOOTSTRAP_CLIENT_SECRET,
        redirectUris: vars.BOOTSTRAP_CLIENT_REDIRECT_URIS.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      },
      clientSecretMinLength: vars.CLIENT_SECRET_MIN_LENGTH,
    },
    qr: {
      ttlSeconds: vars.QR_CODE_TTL_SECONDS,
      leadSeconds: vars.QR_CODE_LEAD_SECONDS,
      retainSeconds: vars.QR_CODE_RETAIN_SECONDS,
      getUserAuth: vars.QR_GETUSER_AUTH,
      rateLimit: vars.QR_GETUSER_RATE_LIMIT,
      rateWindowSeconds: vars.QR_GETUSER_RATE_WINDOW_SECONDS,
    },
    shifts: { scanRepeatSeconds: vars.SHIFT_SCAN_REPEAT_SECONDS },
    callbacks: {
      keys: vars.CALLBACK_KEYS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
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
