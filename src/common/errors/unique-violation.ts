import { QueryFailedError } from 'typeorm';

/**
 * The constraint and detail of a PostgreSQL unique violation (23505), or undefined for any other error. The
 * detail names the columns: `Key (code)=(x) already exists.`
 */
export function uniqueViolation(err: unknown): { constraint: string; detail: string } | undefined {
  if (!(err instanceof QueryFailedError)) return undefined;
  const pg = err.driverError as { code?: string; constraint?: string; detail?: string };
  return pg.code === '23505' ? { constraint: pg.constraint ?? '', detail: pg.detail ?? '' } : undefined;
}
