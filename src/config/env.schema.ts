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

  @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT = 8080;

  @IsString() @MaxLength(255)
  HOST = '0.0.0.0';

  @IsOptional() @IsString() @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Type(() => Number) @IsInt() @Min(1) @Max(200)
  DB_POOL_SIZE = 10;

  @IsString() @MaxLength(4096)
  DATA_DIR = './data';

  @Type(() => Number) @IsInt() @Min(1) @Max(65535)
  EMBEDDED_PG_PORT = 5433;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Matches(SIZE, { message: 'BODY_LIMIT must be a size such as 1mb, 512kb or 65536' })
  BODY_LIMIT = '1mb';

  @Type(() => Number) @IsInt() @Min(1) @Max(10_000)
  BODY_MAX_FIELDS = 1000;

  @IsString() @MaxLength(4096)
  CORS_ORIGINS = '';

  @Transform(toBoolean) @IsBoolean()
  TRUST_PROXY = false;

  @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  LIST_DEFAULT_LIMIT = 100;

  @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  LIST_MAX_LIMIT = 1000;
}
