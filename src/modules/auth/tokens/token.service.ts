import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { AppConfig } from '../../../config/app-config.js';
import { APP_CONFIG } from '../../../config/config.tokens.js';
import { SigningKeysService, type VerifyKey } from './signing-keys.service.js';

export interface AccessTokenClaims {
  sub: string;
  /** The session code the token is bound to (every token has one: client_credentials carry the service account's). */
  sid: string;
  client_id: string | null;
  scope: string | null;
  exp: number;
}

export interface LegacyTokenClaims {
  sub: string;
  sid: string;
  email: string | null;
  roles: string;
  exp: number;
  /** Every token this service issues has one; a renewal records it (a token renews once). */
  jti?: string;
}

export type TokenCheck<T> = { ok: true; claims: T } | { ok: false; reason: 'expired' | 'invalid' };

/** What verifying a token of each kind checks besides its signature (shared by the API guard and introspection). */
export interface JwtRules {
  algorithms: string[];
  issuer: string;
  audience?: string;
  /** The `typ` header a token must carry. */
  typ?: string;
}

const ACCESS_ALGORITHMS = ['ES256', 'RS256'];

/**
 * Signs and verifies the service's JWTs. Access tokens (ES256, `typ: at+jwt`, RFC 9068) are bound to a session
 * and carry sub, sid, client_id, scope, iat, exp, iss, aud; the OAuth server issues through this same service.
 * Legacy tokens (HS256, seeds 000 and 003) carry sub, sid, email and roles. Keys come from the key table by kid.
 */
@Injectable()
export class TokenService {
  readonly accessRules: JwtRules;
  readonly legacyRules: JwtRules;

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.accessRules = { algorithms: ACCESS_ALGORITHMS, issuer: config.auth.issuer, audience: config.auth.audience, typ: 'at+jwt' };
    this.legacyRules = { algorithms: ['HS256'], issuer: config.auth.issuer };
  }

  async issueAccessToken(input: {
    userId: string;
    session: string;
    clientId?: string | null;
    scope?: string | null;
    ttl?: number;
  }): Promise<{ token: string; expiresIn: number }> {
    const key = this.keys.active('access', 'ES256');
    const expiresIn = input.ttl ?? this.config.auth.accessTokenTtl;
    const token = await new SignJWT({ sid: input.session, client_id: input.clientId ?? null, scope: input.scope ?? null })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setSubject(input.userId)
      .setIssuer(this.config.auth.issuer)
      .setAudience(this.config.auth.audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
      .setJti(randomUUID())
      .sign(key.key);
    return { token, expiresIn };
  }

  /** For introspection and revocation (the API guard verifies through passport-jwt with the same rules and keys). */
  async verifyAccessToken(token: string): Promise<TokenCheck<AccessTokenClaims>> {
    const key = await this.verificationKey(token, 'access');
    if (!key) return { ok: false, reason: 'invalid' };
    return check(
      jwtVerify(token, key, { ...this.accessRules, algorithms: this.accessRules.algorithms }),
      (p): p is JWTPayload & AccessTokenClaims => isAccessClaims(p),
    );
  }

  async issueLegacyToken(input: { userId: string; session: string; email: string | null; roles: string }): Promise<string> {
    const key = this.keys.active('legacy');
    return new SignJWT({ sid: input.session, email: input.email, roles: input.roles })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' })
      .setSubject(input.userId)
      .setIssuer(this.config.auth.issuer)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + this.config.auth.legacyTokenTtl)
      .setJti(randomUUID())
      .sign(key.key);
  }

  /**
   * A legacy token's claims. `graceSeconds` > 0 also accepts a genuinely signed token that expired at most
   * that long ago (GET /api/v1.0/login renews such tokens); `expired` then says whether it had.
   */
  async verifyLegacyToken(token: string, graceSeconds = 0): Promise<TokenCheck<LegacyTokenClaims> & { expired?: boolean }> {
    const key = await this.verificationKey(token, 'legacy');
    if (!key) return { ok: false, reason: 'invalid' };
    const result = await check(jwtVerify(token, key, { ...this.legacyRules, clockTolerance: graceSeconds }), isLegacyClaims);
    return result.ok ? { ...result, expired: result.claims.exp * 1000 <= Date.now() } : result;
  }

  /**
   * The key that verifies `token`, by its header's kid, when the header fits the kind (algorithm, `typ`); the
   * key table is reloaded once when the kid is unknown (another instance rotated).
   */
  async verificationKey(token: string, kind: 'access' | 'legacy'): Promise<VerifyKey | undefined> {
    const header = headerOf(token);
    const rules = kind === 'access' ? this.accessRules : this.legacyRules;
    if (!header || typeof header.kid !== 'string' || !rules.algorithms.includes(header.alg as string)) return undefined;
    if (rules.typ && header.typ !== rules.typ) return undefined;
    const key = await this.keys.find(header.kid, kind);
    return key && key.alg === header.alg ? key.verifyKey : undefined;
  }

  /** Which kind of token this is, by its header, without verifying it. */
  kind(token: string): 'access' | 'legacy' | null {
    const alg = headerOf(token)?.alg;
    if (alg === 'HS256') return 'legacy';
    return typeof alg === 'string' && ACCESS_ALGORITHMS.includes(alg) ? 'access' : null;
  }

  jwks(): { keys: object[] } {
    return { keys: this.keys.publicJwks() };
  }
}

export function isAccessClaims(p: Record<string, unknown>): p is Record<string, unknown> & AccessTokenClaims {
  return typeof p.sub === 'string' && typeof p.sid === 'string' && typeof p.exp === 'number';
}

export function isLegacyClaims(p: Record<string, unknown>): p is JWTPayload & LegacyTokenClaims {
  return typeof p.sub === 'string' && typeof p.sid === 'string' && typeof p.exp === 'number';
}

function headerOf(token: string): Record<string, unknown> | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

async function check<T>(
  verification: Promise<{ payload: JWTPayload }>,
  shape: (p: JWTPayload) => p is JWTPayload & T,
): Promise<TokenCheck<T>> {
  try {
    const { payload } = await verification;
    return shape(payload) ? { ok: true, claims: payload } : { ok: false, reason: 'invalid' };
  } catch (err) {
    return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
