import type { Request } from 'express';
import type { RequestOrigin } from './sign-in.service.js';

/** Agent and address of a request: taken from the request itself, never from its body. */
export function requestOrigin(req: Request): RequestOrigin {
  const agent = req.headers['user-agent'];
  return { agent: typeof agent === 'string' ? agent.slice(0, 500) : null, host: req.ip ?? null };
}
