import type { Request, RequestHandler } from 'express';
import type { ApiContractName } from '../errors/api-contract.js';
import { DomainError } from '../errors/domain-error.js';
import { checkInput, type InputLimits, storableText, TEXT_MESSAGE } from '../validation/input-check.js';

/**
 * Seed 002's JSON-typed parameters. Forms (urlencoded, multipart) and query strings can only carry text, so
 * there these arrive as JSON text (`filter={"code":"x"}`) and are decoded; text that is not a JSON object or
 * array stays text for the DTO to judge (a phone number, a calendar's name).
 */
export const JSON_PARAMETERS: ReadonlySet<string> = new Set([
  'name',
  'form',
  'phone',
  'email',
  'info',
  'fields',
  'search',
  'filter',
  'orderby',
]);

const JSON_VALUE = /^\s*[[{]/;

/**
 * A urlencoded body as people paste it: one `key=value` a line (`grant_type=...\n&code=...`, or `...&\n  code=...`).
 * Encoded form text has no raw whitespace of its own (a space is `+` or `%20`), so raw whitespace at the edges
 * of a pair, and between a key and its `=`, is layout: it is dropped before the pairs are read. Values keep any
 * whitespace inside them.
 */
export function tidyFormText(text: string): string {
  return text
    .split('&')
    .map((pair) => {
      const trimmed = pair.trim();
      const eq = trimmed.indexOf('=');
      return eq < 0 ? trimmed : `${trimmed.slice(0, eq).trimEnd()}=${trimmed.slice(eq + 1).trimStart()}`;
    })
    .filter((pair) => pair !== '')
    .join('&');
}

/** A copy of a form or query object with its JSON-typed parameters decoded. */
export function decodeJsonParameters(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const key of JSON_PARAMETERS) {
    const value = out[key];
    if (typeof value !== 'string' || !JSON_VALUE.test(value)) continue;
    try {
      out[key] = JSON.parse(value) as unknown;
    } catch {
      // Not JSON after all: left as text, and the DTO or the list parser says what is wrong with it.
    }
  }
  return out;
}

/** The text of `Authorization: Basic ...` (both parts, raw and as RFC 6749 2.3.1 form-decodes them). */
export function basicCredentialsText(header: string | undefined): string[] {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return [];
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  try {
    return [text, decodeURIComponent(text.replace(/\+/g, ' '))];
  } catch {
    return [text];
  }
}

/** Refuses credentials PostgreSQL could not compare (a NUL in a Basic user name reached a query). */
export function checkCredentials(header: string | undefined): void {
  if (basicCredentialsText(header).some((t) => !storableText(t))) {
    throw new DomainError('VALIDATION_FAILED', `Validation failed: authorization: credentials ${TEXT_MESSAGE}`, {
      fields: { authorization: [`credentials ${TEXT_MESSAGE}`] },
    });
  }
}

/** The raw query string of a URL, parsed the way Express's "simple" parser and oidc-provider's Koa do. */
export function queryOf(url: string): Record<string, unknown> {
  const q = url.indexOf('?');
  if (q < 0) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(url.slice(q + 1))) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...(prev as string[]), value] : [prev, value];
  }
  return out;
}

/** The decoded path must be text too (route parameters come from it). */
export function checkPath(url: string): void {
  const path = url.split('?')[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new DomainError('BAD_REQUEST', 'The request path is not valid percent-encoded UTF-8');
  }
  if (!storableText(decoded)) throw new DomainError('BAD_REQUEST', `The request path ${TEXT_MESSAGE}`);
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface RequestInputOptions extends InputLimits {
  /** The contract of a path: query parameters join the body everywhere but on the OAuth endpoints (RFC 6749). */
  contractOf: (path: string) => ApiContractName;
}

/**
 * After the body parsers, before routing: the one place every Express request's input is bounded and
 * normalised.
 * - A body no parser read (text/plain, XML, octet-stream, no content type) is 415, not a handler's TypeError.
 * - Path, query string, Basic credentials and body go through checkInput (depth, keys, prototype keys, text
 *   PostgreSQL refuses).
 * - An absent or JSON `null` body becomes `{}`, so handlers always get an object or an array.
 * - Seed 002: "some parameters may be sent as a query string": on POST the query's parameters join the body's,
 *   the body winning on a clash (query parameters are not covered by a request signature, which signs the body).
 */
export function requestInput(options: RequestInputOptions): RequestHandler {
  return (req, _res, next) => {
    checkPath(req.originalUrl);
    if (req.body === undefined && hasBody(req) && req.method !== 'GET' && req.method !== 'HEAD') {
      throw new DomainError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Send the body as application/json, application/x-www-form-urlencoded or multipart/form-data',
      );
    }
    const query = decodeJsonParameters(queryOf(req.originalUrl));
    checkInput(query, options);
    Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
    checkCredentials(req.headers.authorization);
    checkInput(req.body, options);
    let body: unknown = req.body ?? {};
    if (req.method === 'POST' && Object.keys(query).length > 0 && isPlainObject(body) && options.contractOf(req.path) !== 'oauth') {
      body = { ...query, ...body };
    }
    req.body = body;
    next();
  };
}
