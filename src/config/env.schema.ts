import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  return value;
};

/** A size such as `100kb`, `1mb` or `2048` (bytes), as body-parser understands it. */
const SIZE = /^\d+(b|kb|mb)?$/i;

/**
 * Every environment variable the service reads, with its default. `.env.example` documents each one;
 * keep the two in step. Nothing outside src/config reads process.env.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  @IsString()
  @MaxLength(255)
  HOST = '0.0.0.0';

  @IsOptional()
  @IsString()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  DB_TX_RETRIES = 3;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  DB_TX_RETRY_BASE_MS = 25;

  /** Longest wait for a pooled connection (or for a new one to connect); past it the request is a 503. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  DB_CONNECT_TIMEOUT_MS = 5000;

  @IsString()
  @MaxLength(4096)
  DATA_DIR = './data';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 5433;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Matches(SIZE, { message: 'BODY_LIMIT must be a size such as 1mb, 512kb or 65536' })
  BODY_LIMIT = '1mb';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  BODY_MAX_FIELDS = 1000;

  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(1000)
  BODY_MAX_DEPTH = 32;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(1_000_000)
  BODY_MAX_KEYS = 10_000;

  /** Worker processes of `npm start` (unset: the CPUs in production, 1 otherwise). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  WEB_CONCURRENCY?: number;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  HTTP_HEADERS_TIMEOUT_MS = 20_000;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS = 60_000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  HTTP_MAX_CONNECTIONS = 10_000;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(1_048_576)
  HTTP_MAX_HEADER_SIZE = 16_384;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  RETRY_AFTER_SECONDS = 5;

  @IsString()
  @MaxLength(4096)
  CORS_ORIGINS = '';

  @Transform(toBoolean)
  @IsBoolean()
  TRUST_PROXY = false;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  LIST_DEFAULT_LIMIT = 100;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  LIST_MAX_LIMIT = 1000;

  /** Largest content of one object file, in bytes (object/file, object/files/set); its routes take a body that big. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256 * 1024 * 1024)
  FILE_MAX_BYTES = 10 * 1024 * 1024;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  OUTBOX_POLL_MS = 500;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  OUTBOX_BATCH_SIZE = 50;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  OUTBOX_MAX_ATTEMPTS = 8;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  OUTBOX_LEASE_SECONDS = 60;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3_600)
  OUTBOX_BACKOFF_BASE_SECONDS = 1;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  OUTBOX_WAKE_MS = 20;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  WORKFLOW_CACHE_SECONDS = 2;

  @IsString()
  @MaxLength(4096)
  KLADR_IMPORT_DIR = './data/kladr';

  @IsIn(['ru', 'en'])
  DEFAULT_LOCALE: 'ru' | 'en' = 'ru';

  @IsOptional()
  @IsString()
  @Matches(/^https?:\/\/\S+$/, { message: 'OIDC_ISSUER must be an http(s) URL' })
  OIDC_ISSUER?: string;

  @IsString()
  @MaxLength(200)
  @Matches(/^[a-z][a-z0-9+.-]*:\S+$/i, { message: 'TOKEN_AUDIENCE must be an absolute URI (a resource indicator), e.g. urn:platform:api' })
  TOKEN_AUDIENCE = 'urn:platform:api';

  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(86_400)
  ACCESS_TOKEN_TTL_SECONDS = 3600;

  @Type(() => Number)
  @IsInt()
  @Min(3600)
  @Max(31_536_000)
  REFRESH_TOKEN_TTL_SECONDS = 2_592_000;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(3600)
  AUTH_CODE_TTL_SECONDS = 120;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  AUTH_LOCK_THRESHOLD = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(525_600)
  AUTH_LOCK_MINUTES = 30;

  /** Wrong PINs in a row (counted with wrong passwords) before the account locks: a 4-digit PIN is short. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  AUTH_PIN_LOCK_THRESHOLD = 3;

  /** Keys the intranet portal may present in X-Callback-Key (comma-separated; empty: the callback routes are off). */
  @IsString()
  @MaxLength(4096)
  @Matches(/^(|[\x21-\x2b\x2d-\x7e]{8,200}(,\s*[\x21-\x2b\x2d-\x7e]{8,200})*)$/, {
    message: 'CALLBACK_KEYS must be comma-separated keys of 8-200 printable ASCII characters',
  })
  CALLBACK_KEYS = '';

  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(3600)
  NONCE_WINDOW_SECONDS = 300;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60)
  SESSION_CACHE_SECONDS = 2;

  @Transform(toBoolean)
  @IsBoolean()
  API_BASIC_AUTH = true;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  API_BASIC_CACHE_SECONDS = 60;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  SIGNING_KEYS_RELOAD_SECONDS = 60;

  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(86_400)
  LEGACY_TOKEN_TTL_SECONDS = 900;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2_592_000)
  LEGACY_REFRESH_GRACE_SECONDS = 86_400;

  @IsString()
  @Matches(/^[A-Za-z0-9._@-]{1,100}$/, { message: 'BOOTSTRAP_ADMIN_USERNAME must be 1-100 letters, digits or ._@-' })
  BOOTSTRAP_ADMIN_USERNAME = 'admin';

  @IsOptional()
  @IsString()
  @MaxLength(200)
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  PASSWORD_MIN_LENGTH = 8;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(1_048_576)
  ARGON2_MEMORY_KIB = 19_456;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  ARGON2_TIME_COST = 2;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(16)
  ARGON2_PARALLELISM = 1;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{3,100}$/, { message: 'BOOTSTRAP_CLIENT_ID must be 3-100 letters, digits or ._-' })
  BOOTSTRAP_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  BOOTSTRAP_CLIENT_SECRET?: string;

  @Type(() => Number)
  @IsInt()
  @Min(8)
  @Max(200)
  CLIENT_SECRET_MIN_LENGTH = 16;

  @IsString()
  @MaxLength(8000)
  @Matches(/^(|https?:\/\/[^\s,]+(,\s*https?:\/\/[^\s,]+)*)$/, {
    message: 'BOOTSTRAP_CLIENT_REDIRECT_URIS must be comma-separated http(s) URLs',
  })
  BOOTSTRAP_CLIENT_REDIRECT_URIS = '';

  /** Seed 004: how long a QR identification code is valid (the seed's example: 300 s). */
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(86_400)
  QR_CODE_TTL_SECONDS = 300;

  /** When the current code has less than this left, GET /api/qr issues the next one ahead (future time_start). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  QR_CODE_LEAD_SECONDS = 30;

  /** Expired codes are kept this long (getUser answers 104 for them), then purged (102). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(604_800)
  QR_CODE_RETAIN_SECONDS = 3600;

  /** Who may call /api/getUser: anyone (`none`, as the seed says for now) or a caller with an OAuth client's access token (`client`). */
  @IsIn(['none', 'client'])
  QR_GETUSER_AUTH: 'none' | 'client' = 'none';

  /** getUser calls allowed per client address in each QR_GETUSER_RATE_WINDOW_SECONDS (0: no limit). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  QR_GETUSER_RATE_LIMIT = 60;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  QR_GETUSER_RATE_WINDOW_SECONDS = 60;

  /** A scan within this many seconds of a shift's begin is the same scan again and changes nothing. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  SHIFT_SCAN_REPEAT_SECONDS = 60;
}
