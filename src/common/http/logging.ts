import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import type { Options } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Query parameters whose values are secrets (codes, tokens, passwords): logged as `[redacted]`. */
const SECRET_QUERY_KEYS =
  /^(code|token|access_token|refresh_token|id_token|id_token_hint|password|pswd|secret|client_secret|signature|session|nonce)$/i;

/** The incoming X-Request-Id when it is a sane token, else a new UUID; echoed in the response. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** `/x?code=abc&state=s` -> `/x?code=[redacted]&state=s`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of Array.from(params.keys())) if (SECRET_QUERY_KEYS.test(key)) params.set(key, '[redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
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

/** pino-http options: JSON logs with the request id; secrets in headers and query strings never logged. Default destination: stdout, asynchronous. */
export function loggerParams(level: string, destination?: DestinationStream): Params {
  const options: Options = {
    level,
    genReqId: requestId,
    customProps: (req) => ({ requestId: req.id }),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers.signature',
        'req.headers.session',
        'req.headers.secret',
        'req.headers["x-callback-key"]',
        'res.headers["set-cookie"]',
        'res.headers["x-qr-code"]',
      ],
      censor: '[redacted]',
    },
    serializers: {
      err: errorForLog,
      req: (req: { id: string; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        headers: req.headers,
        remoteAddress: req.remoteAddress,
      }),
    },
  };
  // stdout through an asynchronous SonicBoom: a request's log line is buffered and written by libuv, not with
  // a blocking write(2) on the event loop per request; pino flushes it synchronously when the process exits.
  return { pinoHttp: [options, destination ?? pino.destination({ dest: 1, sync: false })] };
}
