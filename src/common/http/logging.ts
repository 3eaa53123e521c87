import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import type { Options } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The incoming X-Request-Id when it is a sane token, else a new UUID; echoed in the response. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** `/x?code=abc&state=s` -> `/x`: query strings carry codes, tokens and personal data, and are never logged. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

interface LoggedError {
  /** pino-http hands serializers pino's serialized error, which names the class in `type`. */
  type?: unknown;
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  routine?: unknown;
  severity?: unknown;
  driverError?: unknown;
}

/**
 * What an error may say in the log. A database error carries the statement's bound parameters (TypeORM's
 * `parameters`, `query`) and PostgreSQL's `detail`, `where` and message quote values (`Key (email)=(...)`,
 * `invalid input syntax for type bigint: "..."`): argon2id and secret hashes reached the log that way. Of a
 * database error only its SQLSTATE, constraint, table, column and routine are logged; of others the name,
 * message, code and stack.
 */
export function errorForLog(err: unknown): Record<string, unknown> {
  if (!err || typeof err !== 'object') return { message: String(err) };
  const e = err as LoggedError;
  const type = e.type ?? e.name;
  const driver = (e.driverError && typeof e.driverError === 'object' ? e.driverError : e) as LoggedError;
  const fromDatabase = type === 'QueryFailedError' || (typeof driver.severity === 'string' && typeof driver.code === 'string');
  if (fromDatabase) {
    const out: Record<string, unknown> = { type, code: driver.code };
    for (const key of ['constraint', 'table', 'column', 'routine'] as const) if (driver[key] !== undefined) out[key] = driver[key];
    return out;
  }
  return { type, message: e.message, ...(e.code !== undefined ? { code: e.code } : {}), stack: e.stack };
}

/**
 * pino-http options: one JSON line per request with the request id, its method, path (no query string), client
 * address and user agent, and the response's status. Nothing else of the request or response is logged, so no
 * header can carry a secret into the log (a whitelist, not a list of secrets to redact; it also spares every line
 * the redaction's deep copy). Default destination: stdout, asynchronous.
 */
export function loggerParams(level: string, destination?: DestinationStream): Params {
  const options: Options = {
    level,
    genReqId: requestId,
    customProps: (req) => ({ requestId: req.id }),
    serializers: {
      err: errorForLog,
      req: (req: { id: string; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: pathOf(req.url),
        remoteAddress: req.remoteAddress,
        userAgent: req.headers['user-agent'],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
  // stdout through an asynchronous SonicBoom: a request's log line is buffered and written by libuv, not with
  // a blocking write(2) on the event loop per request; pino flushes it synchronously when the process exits.
  return { pinoHttp: [options, destination ?? pino.destination({ dest: 1, sync: false })] };
}
