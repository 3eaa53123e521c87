import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import multer from 'multer';
import { DomainError } from '../errors/domain-error.js';

export interface BodyLimits {
  /** Largest body, as body-parser reads sizes: `1mb`, `512kb`, `65536`. */
  limit: string;
  /** Most fields in a form (urlencoded or multipart). */
  maxFields: number;
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

/**
 * Parsers for the three body types seed 002 accepts on POST: JSON, urlencoded and multipart (fields only:
 * files travel base64 in JSON). Each enforces the size limits (413 beyond) and turns its errors into
 * DomainErrors; the raw bytes of JSON/urlencoded bodies are kept on `req.rawBody` for request signing.
 */
export function bodyParsers({ limit, maxFields }: BodyLimits): RequestHandler[] {
  const bytes = sizeInBytes(limit);
  return [
    // strict: false, because seed 002's signing example sends the text `null` as a JSON body.
    translating(express.json({ limit, strict: false, verify: keepRawBody }), fromBodyParser),
    translating(express.urlencoded({ limit, extended: true, parameterLimit: maxFields, verify: keepRawBody }), fromBodyParser),
    multipartLengthGuard(bytes),
    translating(multer({ limits: { fieldSize: bytes, fields: maxFields, parts: maxFields } }).none(), fromMultipart),
  ];
}

function sizeInBytes(size: string): number {
  const m = /^(\d+)(b|kb|mb)?$/i.exec(size);
  if (!m) throw new Error(`bad size: ${size}`);
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb'];
  return Number(m[1]) * unit;
}
