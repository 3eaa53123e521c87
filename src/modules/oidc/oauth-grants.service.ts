import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AccountsService } from '../auth/accounts.service.js';
import { requestOrigin } from '../auth/request-origin.js';
import { type Credentials, SignInService } from '../auth/sign-in.service.js';
import { TokenService } from '../auth/tokens/token.service.js';
import { OAuthClientsService } from './oauth-clients.service.js';
import { OAuthLoginsService } from './oauth-logins.service.js';
import { OidcModelRepository } from './oidc-model.repository.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

/** invalid_grant whose description the client sees (oidc-provider's own keeps a generic one). */
function invalidGrant(description: string): errors.InvalidGrant {
  return Object.assign(new errors.InvalidGrant(description), { error_description: description });
}
const ID_TOKEN_SCOPES = ['openid', 'profile', 'email'];
/** RFC 7636: 43 to 128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** Seed 002: a client-credentials token lives one day. */
export const CLIENT_CREDENTIALS_TTL = 86_400;

/** Our settings of a client, as the registry hands them to the provider (OAuthClientsService.providerMetadata). */
export interface PlatformClient {
  platform_response_types?: string[];
  platform_default_scope?: string;
  platform_client_credentials_refresh?: boolean;
  platform_service_user_id?: string | null;
  first_party?: boolean;
}

export const platformOf = (client: unknown) => client as PlatformClient;

interface Grant {
  userId: string;
  sessionId: string;
  session: string;
  scope: string;
  /** Issue a refresh token (in this rotation family, or a new one). */
  refresh: boolean;
  family?: string;
  /** Access token lifetime when not the default. */
  ttl?: number;
  /** id_token extras of the code flow: nonce, auth_time, the claims the request asked for and those refused. */
  nonce?: string;
  authTime?: number;
  claims?: Record<string, unknown>;
  rejected?: string[];
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  session: string;
  refresh_token?: string;
  id_token?: string;
  scope: string;
}

const scopesOf = (s: string | null | undefined) => (s ?? '').split(' ').filter(Boolean);

/**
 * The grants of /oauth2/token, all ending in one of our sessions and issued through the identity TokenService,
 * so the API guard accepts their access tokens and signing out revokes them:
 * - `password` (seed 002: username + password, or a secret code; the same credential check and lockout as
 *   /api/v1/sign/in); its session and refresh token commit together (SignInService.signInThen);
 * - `authorization_code`: codes of the provider's authorization endpoint (client, redirect_uri and PKCE
 *   checked here, a replayed code closes the session its tokens belong to; auth_time and the requested claims
 *   of the request in the id_token) and the one-time codes of /api/v1/sign/in and /api/v1/authenticate;
 * - `refresh_token` (rotation; reusing a rotated token revokes its family and closes the session; a refresh
 *   renews the session's idle deadline, never past its end);
 * - `client_credentials`: the client's service account, in one reused session per client (seed 002: the
 *   application "accesses its own account"), a refresh token unless the client turned it off.
 * Also the tokens of implicit and hybrid responses (see OidcProviderService.authorizationResponses).
 */
@Injectable()
export class OAuthGrantsService {
  constructor(
    private readonly signIn: SignInService,
    private readonly tokens: TokenService,
    private readonly accounts: AccountsService,
    private readonly clients: OAuthClientsService,
    private readonly logins: OAuthLoginsService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly models: OidcModelRepository,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  register(provider: Provider): void {
    provider.registerGrantType('password', (ctx) => this.password(provider, ctx), ['username', 'password', 'secret', 'scope']);
    provider.registerGrantType('refresh_token', (ctx) => this.refresh(provider, ctx), ['refresh_token', 'scope']);
    provider.registerGrantType('authorization_code', (ctx) => this.authorizationCode(provider, ctx), [
      'code',
      'redirect_uri',
      'code_verifier',
    ]);
    provider.registerGrantType('client_credentials', (ctx) => this.clientCredentials(provider, ctx), ['scope']);
  }

  private async password(provider: Provider, ctx: KoaContextWithOIDC): Promise<void> {
    const { params, client } = ctx.oidc;
    const { username, password, secret } = (params ?? {}) as Record<string, string | undefined>;
    // Seed 002: with a secret code, username and password are ignored.
    let credentials: Credentials;
    if (secret) credentials = { field: 'secret', secret };
    else if (username && password) credentials = { field: 'username', login: username, password };
    else throw new errors.InvalidRequest('username and password, or secret, are required');
    const scope = this.grantedScope(params?.scope as string | undefined, client!);
    try {
      // The session and the refresh token commit together, or neither does.
      ctx.body = await this.signIn.signInThen(credentials, { ...requestOrigin(ctx), clientId: client!.clientId }, (s) =>
        this.issue(provider, ctx, { userId: s.userId, sessionId: s.sessionId, session: s.session, scope, refresh: true }),
      );
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'UNAUTHORIZED' || err.code === 'FORBIDDEN')) throw invalidGrant(err.message);
      throw err;
    }
  }

  private async authorizationCode(provider: Provider, ctx: KoaContextWithOIDC): Promise<void> {
    const params = (ctx.oidc.params ?? {}) as Record<string, string | undefined>;
    const client = ctx.oidc.client!;
    if (!params.code) throw new errors.InvalidRequest('code is required');
    if (!client.responseTypeAllowed('code') && !client.responseTypeAllowed('code id_token'))
      throw new errors.UnauthorizedClient('the client may not use the authorization_code grant');
    const stored = await provider.AuthorizationCode.find(params.code, { ignoreExpiration: true });
    if (!stored) {
      ctx.body = await this.signInCode(provider, ctx, params.code);
      return;
    }
    if (stored.clientId !== client.clientId) throw invalidGrant('the code was issued to another client');
    if (stored.isExpired) throw invalidGrant('authorization code expired');
    if ((stored as unknown as { consumed?: number }).consumed) {
      // RFC 6749 4.1.2: a code used twice revokes what was issued for it, here the session its tokens share.
      const session = await this.logins.openSession(stored.sessionUid);
      if (session) await this.accounts.closeSession(session.id);
      throw invalidGrant('authorization code already used: the tokens issued for it are revoked');
    }
    if (stored.redirectUri !== params.redirect_uri) throw invalidGrant('redirect_uri does not match the authorization request');
    checkPkce(stored.codeChallenge, params.code_verifier);
    if (!(await this.models.consumeOnce('AuthorizationCode', stored.jti))) throw invalidGrant('authorization code already used');
    const session = await this.logins.openSession(stored.sessionUid);
    if (!session || session.userId !== stored.accountId) throw invalidGrant('the session that signed in is closed');
    const scope = stored.scope ?? '';
    // The claims the request asked for (claims parameter, and auth_time for max_age / prompt=login), less those
    // the user did not grant; oidc-provider keeps them with the code and its grant.
    const grant = stored.grantId ? await provider.Grant.find(stored.grantId) : undefined;
    const requested = (stored.claims as { id_token?: Record<string, unknown> } | undefined)?.id_token ?? {};
    const granted = grant ? new Set(grant.getOIDCClaimsFiltered(new Set(Object.keys(requested)))) : new Set<string>();
    const claims = Object.fromEntries(Object.entries(requested).filter(([k]) => granted.has(k) || ['auth_time', 'sub', 'sid'].includes(k)));
    ctx.body = await this.uow.run(() =>
      this.issue(provider, ctx, {
        userId: session.userId,
        sessionId: session.id,
        session: session.code,
        scope,
        refresh: scope.split(' ').includes('offline_access') && client.grantTypeAllowed('refresh_token'),
        nonce: stored.nonce,
        authTime: stored.authTime,
        claims,
        rejected: grant?.getRejectedOIDCClaims(),
      }),
    );
  }

  /** A one-time code of /api/v1/sign/in or /api/v1/authenticate: tokens for the session it belongs to. */
  private async signInCode(provider: Provider, ctx: KoaContextWithOIDC, code: string): Promise<TokenResponse> {
    const client = ctx.oidc.client!;
    const session = await this.accounts.redeemSignInCode(code);
    if (!session) throw invalidGrant('invalid, used or expired authorization code');
    if (session.clientId && session.clientId !== client.clientId) throw invalidGrant('the code was issued to another client');
    return this.uow.run(() =>
      this.issue(provider, ctx, {
        userId: session.userId,
        sessionId: session.id,
        session: session.code,
        scope: this.grantedScope(undefined, client),
        refresh: client.grantTypeAllowed('refresh_token'),
      }),
    );
  }

  private async refresh(provider: Provider, ctx: KoaContextWithOIDC): Promise<void> {
    const presented = ctx.oidc.params?.refresh_token as string | undefined;
    if (!presented) throw new errors.InvalidRequest('refresh_token is required');
    const row = await this.refreshTokens.find(presented);
    if (!row || row.clientId !== ctx.oidc.client!.clientId) throw invalidGrant('invalid refresh token');
    if (row.rotated) {
      // A rotated token used again: someone holds a copy. Revoke the family and close its session.
      await this.refreshTokens.revokeFamily(row.family);
      await this.accounts.closeSession(row.sessionId);
      throw invalidGrant('refresh token reused: the grant is revoked');
    }
    if (row.expired) throw invalidGrant('refresh token expired');
    const session = await this.accounts.refreshableSession(row.sessionId);
    if (!session) throw invalidGrant('the session of this refresh token is closed or has ended');
    const asked = scopesOf(ctx.oidc.params?.scope as string | undefined);
    const refused = asked.filter((s) => !scopesOf(row.scope).includes(s));
    if (refused.length > 0) throw new errors.InvalidScope('requested scope exceeds the original grant', refused.join(' '));
    const scope = asked.length > 0 ? asked.join(' ') : (row.scope ?? '');
    ctx.body = await this.uow.run(async () => {
      if (!(await this.refreshTokens.rotate(presented))) throw invalidGrant('invalid refresh token');
      await this.accounts.renewSession(row.sessionId);
      return this.issue(provider, ctx, {
        userId: session.userId,
        sessionId: row.sessionId,
        session: session.code,
        scope,
        refresh: true,
        family: row.family,
      });
    });
  }

  /** The client's own account: its service account's session (one per client, reused), for a day. */
  private async clientCredentials(provider: Provider, ctx: KoaContextWithOIDC): Promise<void> {
    const client = ctx.oidc.client!;
    const platform = platformOf(client);
    const scope = this.grantedScope(ctx.oidc.params?.scope as string | undefined, client);
    const userId = platform.platform_service_user_id ?? (await this.clients.serviceAccount(client.clientId));
    // No transaction: the session is reused or opened on its own (a session left without its refresh token is
    // simply the client's session, reused next time), and the refresh token is one statement.
    const session = await this.accounts.serviceSession(userId, client.clientId, CLIENT_CREDENTIALS_TTL);
    ctx.body = await this.issue(provider, ctx, {
      userId,
      sessionId: session.id,
      session: session.code,
      scope,
      refresh: platform.platform_client_credentials_refresh !== false && client.grantTypeAllowed('refresh_token'),
      ttl: CLIENT_CREDENTIALS_TTL,
    });
  }

  /**
   * The access token of an implicit (`token`) or hybrid (`code token`) response for a code the provider just
   * issued: bound to the browser's session, no refresh or id token (seed 002). For `token` the code is
   * consumed here and never reaches the client.
   */
  async redirectToken(provider: Provider, code: string, consume: boolean): Promise<TokenResponse> {
    const stored = await provider.AuthorizationCode.find(code);
    if (!stored) throw new errors.InvalidRequest('authorization code not found');
    if (consume && !(await this.models.consumeOnce('AuthorizationCode', stored.jti))) throw invalidGrant('authorization code already used');
    const session = await this.logins.openSession(stored.sessionUid);
    if (!session) throw new errors.LoginRequired('the session that signed in is closed');
    const scope = scopesOf(stored.scope)
      .filter((s) => s !== 'offline_access')
      .join(' ');
    const { token, expiresIn } = await this.tokens.issueAccessToken({
      userId: session.userId,
      session: session.code,
      clientId: stored.clientId!,
      scope,
    });
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, session: session.code, scope };
  }

  /**
   * Access token (ours), a refresh token when the grant gives one, and an id_token when the scope asks, in the
   * ambient unit of work (the refresh token is its only write).
   */
  private async issue(provider: Provider, ctx: KoaContextWithOIDC, g: Grant): Promise<TokenResponse> {
    const client = ctx.oidc.client!;
    const { token, expiresIn } = await this.tokens.issueAccessToken({
      userId: g.userId,
      session: g.session,
      clientId: client.clientId,
      scope: g.scope,
      ttl: g.ttl,
    });
    const refreshToken = g.refresh
      ? await this.refreshTokens.issue({
          family: g.family,
          sessionId: g.sessionId,
          clientId: client.clientId,
          scope: g.scope,
          ttlSeconds: this.config.auth.refreshTokenTtl,
        })
      : undefined;
    const scopes = scopesOf(g.scope);
    let idToken: string | undefined;
    if (scopes.some((s) => ID_TOKEN_SCOPES.includes(s))) {
      const claims = (await this.accounts.claims(g.userId)) ?? { sub: g.userId };
      const id = new provider.IdToken({ ...claims, ...(g.authTime ? { auth_time: g.authTime } : {}) }, { ctx });
      id.set('sid', g.session);
      if (g.nonce) id.set('nonce', g.nonce);
      // The claims mask reads scope, mask and rejected (the typings omit them): the scopes' claims, plus those the
      // request asked for by name, less those refused.
      Object.assign(id, { scope: ['openid', ...scopes].join(' '), mask: g.claims ?? {}, rejected: g.rejected ?? [] });
      idToken = await id.issue({ use: 'idtoken' });
    }
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: expiresIn,
      session: g.session,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      ...(idToken ? { id_token: idToken } : {}),
      scope: g.scope,
    };
  }

  /** The requested scopes the client may have; without a request, the client's default scopes (not all it may ask for). */
  private grantedScope(requested: string | undefined, client: { scope?: string | undefined }): string {
    if (!requested?.trim()) return platformOf(client).platform_default_scope ?? '';
    const allowed = new Set(scopesOf(client.scope));
    const asked = scopesOf(requested);
    const refused = asked.filter((s) => !allowed.has(s));
    if (refused.length > 0) throw new errors.InvalidScope('requested scope is not allowed', refused.join(' '));
    return [...new Set(asked)].join(' ');
  }
}

/** RFC 7636 S256 (the provider accepts no other method): the verifier must match the stored challenge. */
function checkPkce(challenge: string | undefined, verifier: string | undefined): void {
  if (!challenge) {
    if (verifier !== undefined) throw invalidGrant('code_verifier given but the authorization request had no code_challenge');
    return;
  }
  if (!verifier || !CODE_VERIFIER.test(verifier)) throw invalidGrant('a valid code_verifier is required');
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  if (computed.length !== expected.length || !timingSafeEqual(computed, expected))
    throw invalidGrant('code_verifier does not match the code_challenge');
}
