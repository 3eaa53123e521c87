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

/**
 * The path the seed signs: `/api/v1/whoami` -> `/whoami`. With a query string, the path and its query as sent
 * (`/whoami?fields=...`): query parameters join the body (seed 002: "some parameters may be sent as a query
 * string"), so a signature that left them out would let anyone on the way add parameters to a signed request.
 */
export function signedPath(originalUrl: string): string {
  const path = originalUrl.startsWith('/api/v1/') ? originalUrl.slice('/api/v1'.length) : originalUrl;
  return path.endsWith('?') ? path.slice(0, -1) : path;
}
