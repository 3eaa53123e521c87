import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Seed 002's HMAC-SHA256 request signature: hex HMAC, keyed by the session secret, of
 * `<path without /api/v1><nonce><body>`, where body is the raw request body or the text `null`.
 */
export function requestSignature(secret: string, path: string, nonce: string, body: string | null): string {
  return createHmac('sha256', secret)
    .update(`${path}${nonce}${body ?? 'null'}`)
    .digest('hex');
}

/** Constant-time comparison of a client's hex signature with the expected one. */
export function signatureMatches(expected: string, given: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given.toLowerCase(), 'hex'));
}

/** The path the seed signs: `/api/v1/whoami` -> `/whoami`. */
export function signedPath(requestPath: string): string {
  return requestPath.startsWith('/api/v1/') ? requestPath.slice('/api/v1'.length) : requestPath;
}
