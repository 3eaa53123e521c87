import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import multer from 'multer';
import qs from 'qs';
import { DomainError } from '../errors/domain-error.js';
import { checkFormKey } from '../validation/input-check.js';
import { decodeJsonParameters, tidyFormText } from './request-input.js';

export interface BodyLimits {
  /** Largest body, as body-parser reads sizes: `1mb`, `512kb`, `65536`. */
  limit: string;
  /** Most fields in a form (urlencoded or multipart). */
  maxFields: number;
  /** Deepest nesting of a form's bracketed keys (`a[b][c]`); JSON depth is checked after parsing. */
  maxDepth: number;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The exact bytes of a JSON or urlencoded body, for request signing. */
    rawBody?: Buffer;
  }
}

const keepRawBody = (req: Request, _res: Response, buf: Buffer) => {
  req.rawBody = buf;
};

/** body-parser's errors (http-errors with a `type`) as domain errors. */
function fromBodyParser(err: { type?: string; status?: number; message?: string }): DomainError {
  switch (err.type) {
    case 'entity.parse.failed':
      return new DomainError('INVALID_JSON', 'Malformed JSON in request body');
    case 'entity.too.large':
    case 'parameters.too.many':
      return new DomainError('PAYLOAD_TOO_LARGE', 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding or charset');
    default:
      return new DomainError('BAD_REQUEST', 'Unreadable request body');
  }
}

const MULTER_TOO_LARGE = new Set([
  'LIMIT_PART_COUNT',
  'LIMIT_FILE_SIZE',
  'LIMIT_FILE_COUNT',
  'LIMIT_FIELD_KEY',
  'LIMIT_FIELD_VALUE',
  'LIMIT_FIELD_COUNT',
]);

function fromMultipart(err: { name?: string; code?: string }): DomainError {
  if (err.name === 'MulterError' && err.code && MULTER_TOO_LARGE.has(err.code)) {
    return new DomainError('PAYLOAD_TOO_LARGE', 'Multipart body exceeds the size or field limits');
  }
  if (err.code === 'LIMIT_UNEXPECTED_FILE') return new DomainError('BAD_REQUEST', 'File parts are not accepted on this endpoint');
  return new DomainError('BAD_REQUEST', 'Malformed multipart body');
}

/**
 * multer bounds each field, not the whole body: bound the whole by Content-Length before reading it
 * (a multipart body without one would be unbounded, so it is refused).
 */
function multipartLengthGuard(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    if (!req.is('multipart/form-data')) return next();
    const length = req.headers['content-length'];
    if (length === undefined) return next(new DomainError('LENGTH_REQUIRED', 'Multipart bodies must state their Content-Length'));
    if (Number(length) > maxBytes) return next(new DomainError('PAYLOAD_TOO_LARGE', 'Request body is too large'));
    next();
  };
}

function translating(parser: RequestHandler, translate: (err: never) => DomainError): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    parser(req, res, (err?: unknown) => next(err ? translate(err as never) : undefined));
}

/** A form body that is one JSON object or array (what `curl -d '{...}'` sends): read as JSON. */
const JSON_TEXT = /^\s*(\{[\s\S]*\}|\[[\s\S]*\])\s*$/;

/**
 * `application/x-www-form-urlencoded`. Seed 002's curl examples send JSON with `curl -d`, which labels it a
 * form: a body that is one JSON object or array is parsed as JSON (the signature covers the same bytes either
 * way); anything else as a form, nested keys (`a[b]=1`) included.
 */
function urlencoded(limit: string, { maxFields, maxDepth }: BodyLimits): RequestHandler {
  const raw = express.raw({ type: 'application/x-www-form-urlencoded', limit, verify: keepRawBody });
  return (req, res, next) =>
    raw(req, res, (err?: unknown) => {
      if (err) return next(fromBodyParser(err));
      if (!Buffer.isBuffer(req.body)) return next();
      const charset = /charset\s*=\s*"?([\w-]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
      if (charset && charset !== 'utf-8' && charset !== 'utf8')
        return next(new DomainError('UNSUPPORTED_MEDIA_TYPE', `Unsupported charset "${charset}"`));
      const text = req.body.toString('utf8');
      if (JSON_TEXT.test(text)) {
        try {
          req.body = JSON.parse(text) as unknown;
          return next();
        } catch {
          return next(new DomainError('INVALID_JSON', 'Malformed JSON in request body'));
        }
      }
      try {
        const tidy = tidyFormText(text);
        for (const key of new URLSearchParams(tidy).keys()) checkFormKey(key);
        const form = qs.parse(tidy, {
          // Null-prototype objects: `__proto__` stays an own key, and the input check refuses it by name.
          plainObjects: true,
          allowPrototypes: true,
          depth: maxDepth,
          strictDepth: true,
          parameterLimit: maxFields,
          throwOnLimitExceeded: true,
          arrayLimit: maxFields,
        });
        req.body = decodeJsonParameters(form);
      } catch (e) {
        if (e instanceof DomainError) return next(e);
        const tooDeep = e instanceof RangeError && /depth/i.test(e.message);
        return next(
          tooDeep
            ? new DomainError('BAD_REQUEST', `Form keys are nested deeper than ${maxDepth} levels`)
            : new DomainError('PAYLOAD_TOO_LARGE', 'Request body is too large'),
        );
      }
      next();
    });
}

/**
 * Parsers for the three body types seed 002 accepts on POST: JSON, urlencoded and multipart (fields only:
 * files travel base64 in JSON). Each enforces the size limits (413 beyond) and turns its errors into
 * DomainErrors; the raw bytes of JSON/urlencoded bodies are kept on `req.rawBody` for request signing.
 */
export function bodyParsers(limits: BodyLimits): RequestHandler[] {
  const { limit, maxFields } = limits;
  const bytes = sizeInBytes(limit);
  return [
    // strict: false, because seed 002's signing example sends the text `null` as a JSON body.
    translating(express.json({ limit, strict: false, verify: keepRawBody }), fromBodyParser),
    urlencoded(limit, limits),
    multipartLengthGuard(bytes),
    translating(multer({ limits: { fieldSize: bytes, fields: maxFields, parts: maxFields } }).none(), fromMultipart),
    (req, _res, next) => {
      if (req.is('multipart/form-data') && req.body) req.body = decodeJsonParameters(req.body as Record<string, unknown>);
      next();
    },
  ];
}

export function sizeInBytes(size: string): number {
  const m = /^(\d+)(b|kb|mb)?$/i.exec(size);
  if (!m) throw new Error(`bad size: ${size}`);
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb'];
  return Number(m[1]) * unit;
}
