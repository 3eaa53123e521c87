import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';

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

/** pino-http options: JSON logs with the request id; secrets in headers and query strings never logged. */
export function loggerParams(level: string): Params {
  return {
    pinoHttp: {
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
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          headers: req.headers,
          remoteAddress: req.remoteAddress,
        }),
      },
    },
  };
}
