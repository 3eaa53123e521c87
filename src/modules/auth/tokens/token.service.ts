import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { AppConfig } from '../../../config/app-config.js';
import { APP_CONFIG } from '../../../config/config.tokens.js';
import { SigningKeysService } from './signing-keys.service.js';

export interface AccessTokenClaims {
  sub: string;
  /** The session code the token is bound to; absent from client-credentials tokens. */
  sid?: string;
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
}

export type TokenCheck<T> = { ok: true; claims: T } | { ok: false; reason: 'expired' | 'invalid' };

/**
 * Signs and verifies the service's JWTs. Access tokens (ES256, `typ: at+jwt`) are bound to a session and
 * carry sub, sid, client_id, scope, iat, exp, iss, aud; the OAuth server issues through this same service.
 * Legacy tokens (HS256, seeds 000 and 003) carry sub, sid, email and roles.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issueAccessToken(input: {
    userId: string;
    session: string;
    clientId?: string | null;
    scope?: string | null;
    ttl?: number;
  }): Promise<{ token: string; expiresIn: number }> {
    const key = this.keys.active('access');
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

  async verifyAccessToken(token: string): Promise<TokenCheck<AccessTokenClaims>> {
    const kid = headerKid(token, 'ES256');
    const key = kid ? await this.keys.find(kid, 'access') : undefined;
    if (!key) return { ok: false, reason: 'invalid' };
    return check(
      jwtVerify(token, key.verifyKey, {
        algorithms: ['ES256'],
        issuer: this.config.auth.issuer,
        audience: this.config.auth.audience,
        typ: 'at+jwt',
      }),
      (p): p is JWTPayload & AccessTokenClaims => typeof p.sub === 'string' && (p.sid === undefined || typeof p.sid === 'string'),
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
    const kid = headerKid(token, 'HS256');
    const key = kid ? await this.keys.find(kid, 'legacy') : undefined;
    if (!key) return { ok: false, reason: 'invalid' };
    const result = await check(
      jwtVerify(token, key.verifyKey, { algorithms: ['HS256'], issuer: this.config.auth.issuer, clockTolerance: graceSeconds }),
      (p): p is JWTPayload & LegacyTokenClaims => typeof p.sub === 'string' && typeof p.sid === 'string' && typeof p.exp === 'number',
    );
    return result.ok ? { ...result, expired: result.claims.exp * 1000 <= Date.now() } : result;
  }

  /** Which kind of token this is, by its header, without verifying it. */
  kind(token: string): 'access' | 'legacy' | null {
    if (headerKid(token, 'ES256')) return 'access';
    if (headerKid(token, 'HS256')) return 'legacy';
    return null;
  }

  jwks(): { keys: object[] } {
    return { keys: this.keys.publicJwks() };
  }
}

function headerKid(token: string, alg: string): string | undefined {
  try {
    const header = decodeProtectedHeader(token);
    return header.alg === alg && typeof header.kid === 'string' ? header.kid : undefined;
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
