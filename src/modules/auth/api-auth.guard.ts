import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ContractRegistry } from '../../common/errors/contract-registry.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { format } from '../../common/i18n/language.js';
import { ADMIN_ONLY, type AuthContext, DEFAULT_SCOPE, IS_PUBLIC, isPublic, REQUIRED_SCOPE } from '../../common/security/auth-context.js';
import { BROWSER_SESSION, BrowserSessions } from '../../common/security/browser-session.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { MESSAGES } from './auth.messages.js';
import { invalidToken, OpenSessions } from './open-sessions.service.js';
import { AccessTokenStrategy } from './strategies/access-token.strategy.js';
import { type Authenticator, authenticatorOf } from './strategies/authenticator.js';
import { BasicStrategy } from './strategies/basic.strategy.js';
import { presentedScheme } from './strategies/credentials.js';
import { LegacyTokenStrategy } from './strategies/legacy-token.strategy.js';
import { SignatureStrategy } from './strategies/signature.strategy.js';

/**
 * The Passport strategies, in the order they are tried. Each passes on (fails) a request that does not carry
 * its scheme and refuses (errors) one that carries it wrongly, so at most one of them does real work.
 */
const STRATEGIES = ['signature', 'access-token', 'legacy-token', 'basic'];

/** jsonwebtoken's error for an expired token (passport-jwt hands it over as a failure). */
const isExpiry = (info: unknown) => info instanceof Error && info.name === 'TokenExpiredError';
const isJwtError = (info: unknown) => info instanceof Error && /^(JsonWebTokenError|NotBeforeError)$/.test(info.name);

/**
 * The API guard (global), as Passport strategies (@nestjs/passport): the HMAC request signature, bearer access
 * tokens (passport-jwt, keys from the key table), the legacy HS256 tokens of seeds 000/003, and HTTP Basic, all
 * ending in the one open-session check (OpenSessions). Then the route's rules: an access token needs the route's
 * scope (`api` unless @RequiredScope names another: 403 `insufficient_scope`), @AdminOnly needs an administrator.
 * Refusals carry `WWW-Authenticate: Bearer` (RFC 6750 3); an expired token or session is the seed's 403
 * `Token expired` on the API and RFC 6750's 401 `invalid_token` on /oauth2.
 *
 * Passport runs through this application's own Authenticator (see strategies/authenticator.ts), which is why
 * the guard calls it itself instead of extending @nestjs/passport's AuthGuard (that one uses the global instance).
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  private readonly realm: string;
  private readonly passport: Authenticator;

  constructor(
    private readonly reflector: Reflector,
    private readonly contracts: ContractRegistry,
    signature: SignatureStrategy,
    accessToken: AccessTokenStrategy,
    legacyToken: LegacyTokenStrategy,
    basic: BasicStrategy,
    private readonly browserSessions: BrowserSessions,
    private readonly openSessions: OpenSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.realm = config.auth.issuer;
    this.passport = authenticatorOf({ signature, 'access-token': accessToken, 'legacy-token': legacyToken, basic });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (isPublic(this.reflector.getAllAndOverride(IS_PUBLIC, targets), this.config)) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const browser =
      this.reflector.getAllAndOverride<boolean>(BROWSER_SESSION, targets) && presentedScheme(req) === null
        ? await this.browserSessions.resolve(req, res)
        : undefined;
    const auth = browser
      ? this.openSessions.context(await this.openSessions.require(browser.session, browser.userId), 'browser', null)
      : await this.authenticate(req, res, context);
    req.auth = auth;
    req.sessionLanguage = auth.language;
    const scope = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, targets) ?? DEFAULT_SCOPE;
    // Unscoped credentials (signatures, Basic, legacy tokens) stand for the user on the API's routes (`api`), but
    // carry no other scope: userinfo (`openid`, OIDC Core 5.3) wants an access token that was granted it.
    const granted = auth.scope === null ? (scope === DEFAULT_SCOPE ? [scope] : []) : auth.scope.split(' ');
    if (!granted.includes(scope)) {
      this.challenge(context, `error="insufficient_scope", scope="${scope}"`);
      throw new DomainError('FORBIDDEN', format(MESSAGES.insufficientScope, { scope }), { oauthError: 'insufficient_scope' });
    }
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && !auth.admin)
      throw new DomainError('FORBIDDEN', MESSAGES.forbidden);
    return true;
  }

  private authenticate(req: Request, res: Response, context: ExecutionContext): Promise<AuthContext> {
    return new Promise((resolve, reject) => {
      const verdict = (err: unknown, user: unknown, info: unknown) => {
        try {
          resolve(this.verdict(err, user, info, context));
        } catch (refusal) {
          reject(refusal);
        }
      };
      const middleware = this.passport.authenticate(STRATEGIES, { session: false }, verdict) as (
        req: Request,
        res: Response,
        next: (err?: unknown) => void,
      ) => void;
      middleware(req, res, (err?: unknown) => reject((err as Error | undefined) ?? new Error('passport passed the request on')));
    });
  }

  /** Passport's verdict: the context, or the refusal of the strategy whose scheme the request carried. */
  private verdict(err: unknown, user: unknown, info: unknown, context: ExecutionContext): AuthContext {
    if (user && !err) return user as AuthContext;
    const req = context.switchToHttp().getRequest<Request>();
    const failures = Array.isArray(info) ? info : [info];
    let error: DomainError;
    if (err instanceof DomainError) error = err;
    else if (err) throw err;
    else if (failures.some(isExpiry)) error = new DomainError('TOKEN_EXPIRED', MESSAGES.tokenExpired, { oauthError: 'invalid_token' });
    else if (failures.some((f) => f instanceof DomainError)) error = failures.find((f) => f instanceof DomainError) as DomainError;
    else if (failures.some(isJwtError) || presentedScheme(req) === 'bearer') error = invalidToken();
    else error = new DomainError('UNAUTHORIZED', MESSAGES.unauthorized);
    const onOAuth = this.contracts.resolve(req.path) === 'oauth';
    if (error.code === 'TOKEN_EXPIRED' && onOAuth) error = invalidToken(MESSAGES.tokenExpired);
    const scheme = presentedScheme(req);
    if (error.code === 'TOKEN_EXPIRED' || error.code === 'UNAUTHORIZED') {
      if (scheme === 'basic') this.challenge(context, undefined, 'Basic');
      else
        this.challenge(context, scheme ? `error="invalid_token", error_description="${error.message.replace(/["\\]/g, '')}"` : undefined);
    }
    throw error;
  }

  /** RFC 6750 3 (RFC 7617 for Basic credentials): the scheme, the realm (the issuer) and the error. */
  private challenge(context: ExecutionContext, params?: string, scheme: 'Bearer' | 'Basic' = 'Bearer'): void {
    const res = context.switchToHttp().getResponse<Response>();
    res.setHeader(
      'WWW-Authenticate',
      `${scheme} realm="${this.realm}"${params ? `, ${params}` : ''}${scheme === 'Basic' ? ', charset="UTF-8"' : ''}`,
    );
  }
}
