import { DomainError } from '../errors/domain-error.js';

/**
 * What a failure from the database driver means for the caller. pg errors carry a SQLSTATE in `code`; TypeORM's
 * QueryFailedError copies the driver's fields onto itself (and keeps the original in `driverError`); lost sockets
 * carry a Node errno code or only pg's message.
 */

interface DriverFailure {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  duringCommit?: unknown;
}

/** SQLSTATEs of a transaction PostgreSQL rolled back because of concurrency: running it again is the remedy. */
const CONCURRENCY = new Set(['40001', '40P01']);

/** SQLSTATEs of a server that is going away, refusing connections or not reachable. */
const UNAVAILABLE_SQLSTATE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);

/** Socket-level errno codes of a lost or refused connection. */
const UNAVAILABLE_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** pg's own messages for a connection that ended or could not be had (no code on these). */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection is closed|Client has encountered a connection error|is not currently accepting connections|timeout exceeded when trying to connect|Connection ended/i;

/** Waiting for a pooled connection timed out: the pool was exhausted for the whole bounded wait. */
const POOL_TIMEOUT = /timeout exceeded when trying to connect/i;

function parts(err: unknown): DriverFailure[] {
  if (!err || typeof err !== 'object') return [];
  const e = err as DriverFailure;
  return e.driverError && typeof e.driverError === 'object' ? [e, e.driverError] : [e];
}

const codeOf = (e: DriverFailure) => (typeof e.code === 'string' ? e.code : undefined);
const messageOf = (e: DriverFailure) => (typeof e.message === 'string' ? e.message : '');

/** A serialization failure or deadlock: PostgreSQL rolled the transaction back, nothing was applied. */
export function concurrencyFailure(err: unknown): boolean {
  return parts(err).some((e) => CONCURRENCY.has(codeOf(e) ?? ''));
}

/** The database is unreachable, refusing connections, shutting down, or the pool stayed exhausted: a 503. */
export function databaseUnavailable(err: unknown): boolean {
  return parts(err).some((e) => {
    const code = codeOf(e);
    if (code && (UNAVAILABLE_SQLSTATE.has(code) || UNAVAILABLE_ERRNO.has(code))) return true;
    // 55000 is also used for unrelated states; only its "not accepting connections" text means unavailable.
    return UNAVAILABLE_MESSAGE.test(messageOf(e));
  });
}

/**
 * Whether the unit of work may run the whole work again: a concurrency failure, or a lost connection that did not
 * happen while committing (before COMMIT, the server rolls an orphaned transaction back). A pool that stayed
 * exhausted for its whole wait is not retried: waiting again would only double the caller's wait.
 */
export function retryableFailure(err: unknown): boolean {
  if (parts(err).some((e) => e.duringCommit === true)) return false;
  if (concurrencyFailure(err)) return true;
  if (parts(err).some((e) => POOL_TIMEOUT.test(messageOf(e)))) return false;
  return databaseUnavailable(err);
}

/** What a client is told while the database cannot be reached: retry after Retry-After (docs/operations.md). */
export function databaseUnavailableError(): DomainError {
  return new DomainError('SERVICE_UNAVAILABLE', {
    en: 'The database is unavailable: retry later',
    ru: 'База данных недоступна: повторите запрос позже',
  });
}
