import type { Request } from 'express';

/** The largest credential header the strategies read (a JWT of ours is well under 2 KiB). */
const MAX_CREDENTIAL = 8192;

function authorization(req: Request): string | undefined {
  const header = req.headers.authorization;
  return typeof header === 'string' && header.length <= MAX_CREDENTIAL ? header.trim() : undefined;
}

/** `Authorization: Bearer <token>` (RFC 6750 2.1, scheme case-insensitive). */
export function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization(req) ?? '');
  return match ? match[1] : null;
}

/** A token alone in `Authorization`, without a scheme (seed 000's clients send `Authorization: <JWT>`). */
export function bareToken(req: Request): string | null {
  const header = authorization(req);
  return header && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(header) ? header : null;
}

/** `Authorization: Basic base64(login:password)` (RFC 7617: the password is everything after the first colon). */
export function basicCredentials(req: Request): { login: string; password: string } | 'malformed' | null {
  const match = /^Basic\s+(\S*)$/i.exec(authorization(req) ?? '');
  if (!match) return null;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(match[1])) return 'malformed';
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) return 'malformed';
  return { login: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Which credentials a request carries, for the challenge of a refusal. */
export function presentedScheme(req: Request): 'bearer' | 'basic' | 'signature' | 'other' | null {
  if (req.headers.signature !== undefined || req.headers.nonce !== undefined || req.headers.session !== undefined) return 'signature';
  const header = authorization(req) ?? (req.headers.authorization ? 'oversized' : undefined);
  if (!header) return null;
  if (/^Basic\b/i.test(header)) return 'basic';
  if (/^Bearer\b/i.test(header) || bareToken(req)) return 'bearer';
  return 'other';
}
