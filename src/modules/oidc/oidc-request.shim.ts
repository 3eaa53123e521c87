import type { NextFunction, Request, Response } from 'express';
import { sha256Hex } from '../../common/security/hash.js';

/** Endpoints where clients authenticate (paths relative to the /oauth2 mount). */
const CLIENT_AUTH_PATHS = new Set(['/token', '/introspect', '/revoke']);

export function decodeBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match) return undefined;
  const text = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
}

/**
 * The authorization parameter that carries the response type a client asked for when it was `token` or
 * `code token`: the provider is asked for a code in the fragment and OidcProviderService finishes the
 * response. Only this shim sets it (a value sent by the client is dropped).
 */
export const REDIRECT_RESPONSE = 'platform_response_type';
const REWRITTEN = new Map([
  ['token', 'token'],
  ['code token', 'code token'],
  ['token code', 'code token'],
]);

/** GET /authorize with response_type `token` or `code token` becomes a fragment `code` request (see above). */
function rewriteAuthorization(req: Request): void {
  const q = req.url.indexOf('?');
  if (q < 0) return;
  const params = new URLSearchParams(req.url.slice(q + 1));
  params.delete(REDIRECT_RESPONSE);
  const asked = REWRITTEN.get((params.get('response_type') ?? '').trim().replace(/\s+/g, ' '));
  if (asked) {
    params.set(REDIRECT_RESPONSE, asked);
    params.set('response_type', 'code');
    params.set('response_mode', 'fragment');
  }
  req.url = `${req.url.slice(0, q)}?${params.toString()}`;
}

/**
 * Adapts requests to the provider at the client-authenticating endpoints: a JSON body is handed over as a
 * form (the seed accepts JSON there); HTTP Basic credentials move into the body, so each client may use
 * either way; and the presented secret is replaced by its SHA-256, which is what the registry keeps.
 */
export function oidcRequestShim(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'GET' && req.path === '/authorize') {
    rewriteAuthorization(req);
    return next();
  }
  if (req.method !== 'POST' || !CLIENT_AUTH_PATHS.has(req.path)) return next();
  const body: Record<string, unknown> = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? { ...req.body } : {};
  if (req.is('application/json')) req.headers['content-type'] = 'application/x-www-form-urlencoded';
  const basic = typeof req.headers.authorization === 'string' ? decodeBasic(req.headers.authorization) : undefined;
  if (basic && body.client_id === undefined && body.client_secret === undefined) {
    body.client_id = basic.id;
    body.client_secret = basic.secret;
    delete req.headers.authorization;
  }
  if (typeof body.client_secret === 'string') body.client_secret = sha256Hex(body.client_secret);
  req.body = body;
  next();
}
