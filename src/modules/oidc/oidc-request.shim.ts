import * as querystring from 'node:querystring';
import type { IncomingMessage } from 'node:http';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { sha256Hex } from '../../common/security/hash.js';

/** Endpoints where clients authenticate (paths relative to the /oauth2 mount). */
const CLIENT_AUTH_PATHS = new Set(['/token', '/introspect', '/revoke']);
/** oidc-provider's own limit for request bodies. */
const BODY_LIMIT = 56 * 1024;

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

export function decodeBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match) return undefined;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
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

/** GET /authorize with response_type `token` or `code token` becomes a fragment `code` request (see above). */
function rewriteAuthorization(ctx: KoaContextWithOIDC): void {
  const params = new URLSearchParams(ctx.querystring);
  params.delete(REDIRECT_RESPONSE);
  const asked = REWRITTEN.get((params.get('response_type') ?? '').trim().replace(/\s+/g, ' '));
  if (asked) {
    params.set(REDIRECT_RESPONSE, asked);
    params.set('response_type', 'code');
    params.set('response_mode', 'fragment');
  }
  ctx.querystring = params.toString();
  // The provider finds its mount path by comparing the original URL with the current one: keep them alike.
  const req = ctx.req as IncomingMessage & { originalUrl?: string };
  if (req.originalUrl) req.originalUrl = `${req.originalUrl.slice(0, req.originalUrl.length - ctx.originalUrl.length)}${ctx.url}`;
}

/** The body as text, or undefined when it is over the limit. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  if (Number(req.headers['content-length']) > BODY_LIMIT) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function invalidRequest(ctx: KoaContextWithOIDC, description: string): void {
  ctx.status = 400;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error: 'invalid_request', error_description: description };
}

/**
 * Adapts requests to the provider (a Koa middleware in front of its routes):
 * - at the authorization endpoint, `token` and `code token` are rewritten (see REDIRECT_RESPONSE);
 * - at the client-authenticating endpoints a JSON body is handed over as a form (the seed accepts JSON
 *   there), HTTP Basic credentials move into the body so each client may use either way, and the presented
 *   secret is replaced by its SHA-256, which is what the registry keeps.
 */
export async function oidcRequestShim(ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<unknown> {
  if (ctx.method === 'GET' && ctx.path === '/authorize') {
    rewriteAuthorization(ctx);
    return next();
  }
  if (ctx.method !== 'POST' || !CLIENT_AUTH_PATHS.has(ctx.path)) return next();
  const type = ctx.is('application/json', 'application/x-www-form-urlencoded');
  if (!type) return next();
  // The kernel's guard (guardOAuthProvider) has read and checked the body already.
  const read = (ctx.req as IncomingMessage & { rawBody?: Buffer }).rawBody;
  const raw = read ? read.toString('utf8') : await readBody(ctx.req);
  if (raw === undefined) return invalidRequest(ctx, `the request body is over ${BODY_LIMIT} bytes`);
  let body: Record<string, unknown>;
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw || '{}');
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return invalidRequest(ctx, 'the JSON body must be an object');
    body = parsed as Record<string, unknown>;
  } else {
    body = { ...querystring.parse(raw) };
  }
  const basic = typeof ctx.headers.authorization === 'string' ? decodeBasic(ctx.headers.authorization) : undefined;
  if (basic && body.client_id === undefined && body.client_secret === undefined) {
    body.client_id = basic.id;
    body.client_secret = basic.secret;
    delete ctx.headers.authorization;
  }
  if (typeof body.client_secret === 'string') body.client_secret = sha256Hex(body.client_secret);
  // The provider takes an already read body from req.body.
  (ctx.req as IncomingMessage & { body?: unknown }).body = body;
  ctx.request.headers['content-type'] = 'application/x-www-form-urlencoded';
  return next();
}
