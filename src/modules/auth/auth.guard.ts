import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../../common/errors/domain-error.js';
import { ADMIN_ONLY, type AuthContext, CLIENT_SCOPE, IS_PUBLIC } from '../../common/security/auth-context.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { MESSAGES } from './auth.messages.js';
import { IdentityRepository, type OpenSession } from './identity.repository.js';
import { OpenSessionCache } from './open-session.cache.js';
import { requestSignature, signatureMatches, signedPath } from './request-signature.js';
import { type AccessTokenClaims, TokenService } from './tokens/token.service.js';

const NONCE = /^\d{1,19}$/;

/**
 * The API guard (global): `Authorization: Bearer <access token>` (or a legacy token, bare or as Bearer),
 * or the Session / Nonce / Signature headers. Either way the session must still be open and its user active,
 * so signing out revokes at once. An expired token is 403 `Token expired`; anything else missing or wrong, 401.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly repo: IdentityRepository,
    private readonly tokens: TokenService,
    private readonly cache: OpenSessionCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const auth = await this.authenticate(req, this.reflector.getAllAndOverride<string | undefined>(CLIENT_SCOPE, targets));
    if (!auth) return true; // a client acting for itself, on a route that allows it
    req.auth = auth;
    req.sessionLanguage = auth.language;
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && !auth.admin)
      throw new DomainError('FORBIDDEN', MESSAGES.forbidden);
    return true;
  }

  /**
   * A client-credentials access token (no user, no session) passes only on a route that allows clients with
   * `scope` (@ClientScope) and only when the token carries that scope; the request then goes on as the client.
   */
  private asClient(req: Request, claims: AccessTokenClaims, scope: string | undefined): null {
    const granted = (claims.scope ?? '').split(' ');
    if (!scope) throw new DomainError('UNAUTHORIZED', MESSAGES.sessionClosed);
    if (!claims.client_id || !granted.includes(scope)) throw new DomainError('FORBIDDEN', MESSAGES.forbidden);
    req.client = { clientId: claims.client_id, scope: granted };
    return null;
  }

  private async authenticate(req: Request, clientScope: string | undefined): Promise<AuthContext | null> {
    if (req.headers.signature !== undefined || req.headers.nonce !== undefined) return this.bySignature(req);
    const header = req.headers.authorization;
    if (!header) throw new DomainError('UNAUTHORIZED', MESSAGES.unauthorized);
    const token = header.replace(/^Bearer\s+/i, '').trim();
    const kind = this.tokens.kind(token);
    if (kind === 'access') {
      const result = await this.tokens.verifyAccessToken(token);
      if (!result.ok) throw tokenError(result.reason);
      if (result.claims.sid === undefined) return this.asClient(req, result.claims, clientScope);
      return this.context(await this.openSession(result.claims.sid, result.claims.sub), 'token', result.claims.scope);
    }
    if (kind === 'legacy') {
      const result = await this.tokens.verifyLegacyToken(token);
      if (!result.ok) throw tokenError(result.reason);
      return this.context(await this.openSession(result.claims.sid, result.claims.sub), 'legacy-token', null);
    }
    throw new DomainError('UNAUTHORIZED', MESSAGES.invalidToken);
  }

  private async bySignature(req: Request): Promise<AuthContext> {
    const [code, nonce, signature] = ['session', 'nonce', 'signature'].map((h) => req.headers[h]);
    if (typeof code !== 'string' || typeof nonce !== 'string' || typeof signature !== 'string' || !NONCE.test(nonce)) {
      throw new DomainError('UNAUTHORIZED', MESSAGES.badSignature);
    }
    // Only JSON and urlencoded bodies keep their raw bytes; a multipart body could not be covered by the signature.
    if (req.is('multipart/form-data')) throw new DomainError('UNAUTHORIZED', MESSAGES.badSignature);
    const session = await this.openSession(code);
    const body = req.rawBody && req.rawBody.length > 0 ? req.rawBody.toString('utf8') : null;
    if (!signatureMatches(requestSignature(session.secret, signedPath(req.path), nonce, body), signature)) {
      throw new DomainError('UNAUTHORIZED', MESSAGES.badSignature);
    }
    // The nonce is microseconds (Date.now() * 1000).
    if (Math.abs(Date.now() - Number(nonce) / 1000) > this.config.auth.nonceWindow * 1000)
      throw new DomainError('UNAUTHORIZED', MESSAGES.staleNonce);
    if (!(await this.repo.useNonce(session.id, nonce))) throw new DomainError('UNAUTHORIZED', MESSAGES.replayedNonce);
    return this.context(session, 'signature', null);
  }

  private async openSession(code: string, userId?: string): Promise<OpenSession> {
    let session = this.cache.get(code);
    if (!session) {
      session = await this.repo.findOpenSession(code);
      if (session) this.cache.set(session);
      if (session && Date.now() - session.updated.getTime() > 60_000) void this.repo.touchSession(session.id).catch(() => {});
    }
    if (!session || (userId !== undefined && session.userId !== userId)) throw new DomainError('UNAUTHORIZED', MESSAGES.sessionClosed);
    return session;
  }

  private context(s: OpenSession, via: AuthContext['via'], scope: string | null): AuthContext {
    return {
      userId: s.userId,
      username: s.username,
      sessionId: s.id,
      session: s.code,
      clientId: s.clientId,
      scope,
      admin: s.admin,
      groups: s.groups,
      areaId: s.areaId,
      operDate: s.operDate,
      language: s.locale,
      via,
    };
  }
}

function tokenError(reason: 'expired' | 'invalid'): DomainError {
  return reason === 'expired'
    ? new DomainError('TOKEN_EXPIRED', MESSAGES.tokenExpired)
    : new DomainError('UNAUTHORIZED', MESSAGES.invalidToken);
}
