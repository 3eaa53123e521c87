import * as querystring from 'node:querystring';
import type { IncomingMessage } from 'node:http';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { tidyFormText } from '../../common/http/request-input.js';

/** Provider endpoints that take a POSTed form, which the seed lets clients send as JSON (paths below the mount). */
const FORM_PATHS = new Set(['/token', '/request']);
/** Where an authorization request arrives: the authorization endpoint, and pushed (PAR, RFC 9126). */
const PAR_PATH = '/request';
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

/**
 * An authorization request's parameters with `token` and `code token` asked of the provider as a fragment `code`
 * (see REDIRECT_RESPONSE); the marker itself is dropped when a client sends it.
 */
function rewriteParams(params: URLSearchParams): URLSearchParams {
  params.delete(REDIRECT_RESPONSE);
  const asked = REWRITTEN.get((params.get('response_type') ?? '').trim().replace(/\s+/g, ' '));
  if (asked) {
    params.set(REDIRECT_RESPONSE, asked);
    params.set('response_type', 'code');
    params.set('response_mode', 'fragment');
  }
  return params;
}

/** GET /authorize: the query rewritten (rewriteParams). */
function rewriteAuthorization(ctx: KoaContextWithOIDC): void {
  ctx.querystring = rewriteParams(new URLSearchParams(ctx.querystring)).toString();
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
 * - authorization requests (GET /authorize, and the pushed ones of PAR) get `token` and `code token` rewritten
 *   (see REDIRECT_RESPONSE);
 * - a JSON body at the token and PAR endpoints is handed over as a form (the seed accepts JSON there).
 * Client authentication is the provider's own at every endpoint, through one secret check
 * (OAuthClientsService.secretMatches, installed as Client#compareClientSecret).
 */
export async function oidcRequestShim(ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<unknown> {
  if (ctx.method === 'GET' && ctx.path === '/authorize') {
    rewriteAuthorization(ctx);
    return next();
  }
  if (ctx.method !== 'POST' || !FORM_PATHS.has(ctx.path)) return next();
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
    body = { ...querystring.parse(tidyFormText(raw)) };
  }
  if (ctx.path === PAR_PATH) {
    const params = new URLSearchParams(
      Object.entries(body).flatMap(([k, v]): [string, string][] => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]])),
    );
    body = Object.fromEntries(rewriteParams(params));
  }
  // The provider takes an already read body from req.body.
  (ctx.req as IncomingMessage & { body?: unknown }).body = body;
  ctx.request.headers['content-type'] = 'application/x-www-form-urlencoded';
  return next();
}
