import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import * as querystring from 'node:querystring';
import { databaseUnavailable, databaseUnavailableError } from '../database/database-errors.js';
import { DomainError } from '../errors/domain-error.js';
import { renderError } from '../errors/error-envelopes.js';
import { checkInput, type InputLimits } from '../validation/input-check.js';
import { checkCredentials, checkPath, queryOf, tidyFormText } from './request-input.js';

/** The parts of a Koa context (oidc-provider's) the guard reads and writes. */
interface GuardedContext {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  req: IncomingMessage & { body?: unknown; rawBody?: Buffer };
  status: number;
  body: unknown;
  state: Record<string, unknown>;
  is(...types: string[]): string | false | null;
  set(field: string, value: string): void;
  response: { get(field: string): string };
}

/** The parts of an oidc-provider instance the guard hooks into. */
interface GuardedProvider {
  use(middleware: (ctx: never, next: () => Promise<unknown>) => Promise<unknown>): unknown;
  on(event: 'server_error', listener: (ctx: never, err: unknown) => void): unknown;
}

export interface OAuthGuardOptions extends InputLimits {
  bodyLimitBytes: number;
  retryAfterSeconds: number;
}

/** Set on the Koa state by the server_error listener when the database was the cause. */
const UNAVAILABLE = 'platform:databaseUnavailable';

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length']) > limit) throw new DomainError('PAYLOAD_TOO_LARGE', 'Request body is too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new DomainError('PAYLOAD_TOO_LARGE', 'Request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a form or JSON body once, checks it like every other input, and hands it on as oidc-provider takes an
 * already read body (`req.body`; the raw bytes on `req.rawBody`).
 */
async function screenBody(ctx: GuardedContext, options: OAuthGuardOptions): Promise<void> {
  const type = ctx.is('application/x-www-form-urlencoded', 'application/json');
  if (ctx.method !== 'POST' || !type) return;
  const raw = await readBody(ctx.req, options.bodyLimitBytes);
  ctx.req.rawBody = raw;
  const text = raw.toString('utf8');
  let body: unknown = { ...querystring.parse(tidyFormText(text)) };
  if (type === 'application/json') {
    try {
      body = JSON.parse(text || '{}') as unknown;
    } catch {
      throw new DomainError('INVALID_JSON', 'Malformed JSON in request body', { oauthError: 'invalid_request' });
    }
  }
  checkInput(body, options);
  ctx.req.body = body;
}

function unavailableResponse(ctx: GuardedContext, retryAfterSeconds: number): void {
  ctx.set('Retry-After', String(retryAfterSeconds));
  const location = ctx.response.get('location');
  if (ctx.status >= 300 && ctx.status < 400 && location) {
    // RFC 6749 4.1.2.1: the authorization endpoint's own word for this is temporarily_unavailable.
    ctx.set('Location', location.replace(/([?#&])error=server_error\b/, '$1error=temporarily_unavailable'));
    return;
  }
  ctx.status = 503;
  if (typeof ctx.body === 'object' && ctx.body !== null) ctx.body = renderError('oauth', databaseUnavailableError(), '', 'en').body;
}

/**
 * What the kernel guarantees on every other route, for oidc-provider's routes (which get requests before
 * Express, see OidcProviderService): path, query, Basic credentials and body pass checkInput before the
 * provider or its adapter read them (400 invalid_request otherwise), and a request that failed because the
 * database was unreachable answers 503 temporarily_unavailable with Retry-After, not the provider's 500.
 * Install it first (`provider.use` order is the order requests meet them).
 */
export function guardOAuthProvider(provider: GuardedProvider, options: OAuthGuardOptions): void {
  provider.on('server_error', (ctx: GuardedContext, err: unknown) => {
    if (databaseUnavailable(err)) ctx.state[UNAVAILABLE] = true;
  });
  provider.use(async (ctx: GuardedContext, next) => {
    try {
      checkPath(ctx.url);
      checkInput(queryOf(ctx.url), options);
      checkCredentials(ctx.headers.authorization);
      await screenBody(ctx, options);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const { status, body } = renderError('oauth', err, '', 'en');
      ctx.status = status;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = body;
      return;
    }
    await next();
    if (ctx.state[UNAVAILABLE] === true) unavailableResponse(ctx, options.retryAfterSeconds);
  });
}
