import type { IncomingHttpHeaders } from 'node:http';
import type { RequestOrigin } from './sign-in.service.js';

/**
 * Agent and address of a request: taken from the request itself, never from its body. Takes an Express
 * request or a Koa context (the OAuth provider's) alike.
 */
export function requestOrigin(req: { headers: IncomingHttpHeaders; ip?: string | null }): RequestOrigin {
  const agent = req.headers['user-agent'];
  return { agent: typeof agent === 'string' ? agent.slice(0, 500) : null, host: req.ip ?? null };
}
