import { Body, Controller, Get, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ApiAuthenticated, ApiClientAuthenticated } from '../../common/openapi/swagger.js';
import { Auth, type AuthContext, Public, RequiredScope } from '../../common/security/auth-context.js';
import { AccountsService } from '../auth/accounts.service.js';
import { TokenService } from '../auth/tokens/token.service.js';
import { decodeBasic } from './oidc-request.shim.js';
import { OAuthClientsService } from './oauth-clients.service.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

/** Claims each scope releases at userinfo (OpenID Connect Core 5.4). */
const SCOPE_CLAIMS: Record<string, string[]> = {
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'preferred_username'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};
const TOKEN_MAX = 4096;

type TokenForm = { token?: unknown; token_type_hint?: unknown; client_id?: unknown; client_secret?: unknown };

/**
 * The OAuth endpoints that read our own tokens (JWT access tokens bound to sessions, hashed refresh tokens),
 * which oidc-provider does not store: userinfo, introspection (RFC 7662) and revocation (RFC 7009).
 * Nest routes take precedence over the provider mounted at /oauth2, so these serve the paths discovery lists.
 */
@ApiTags('oauth2')
@ApiContract('oauth')
@Controller('oauth2')
export class OAuthTokensController {
  constructor(
    private readonly tokens: TokenService,
    private readonly accounts: AccountsService,
    private readonly clients: OAuthClientsService,
    private readonly refreshTokens: RefreshTokensRepository,
  ) {}

  @Get('userinfo')
  @RequiredScope('openid')
  @ApiAuthenticated()
  @ApiOperation({ summary: 'OpenID Connect userinfo: the claims the access token’s scopes release' })
  userinfoGet(@Auth() auth: AuthContext) {
    return this.userinfo(auth);
  }

  @Post('userinfo')
  @RequiredScope('openid')
  @HttpCode(200)
  @ApiAuthenticated()
  @ApiOperation({ summary: 'OpenID Connect userinfo (POST form)' })
  userinfoPost(@Auth() auth: AuthContext) {
    return this.userinfo(auth);
  }

  @Post('introspect')
  @Public()
  @HttpCode(200)
  @ApiClientAuthenticated()
  @ApiOperation({ summary: 'RFC 7662 token introspection (client authentication by Basic or body)' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['token'],
      properties: { token: { type: 'string' }, token_type_hint: { type: 'string', enum: ['access_token', 'refresh_token'] } },
    },
  })
  @ApiOkResponse({ schema: { type: 'object', properties: { active: { type: 'boolean' } } } })
  async introspect(@Body() body: TokenForm, @Headers('authorization') authorization?: string): Promise<Record<string, unknown>> {
    const client = await this.authenticate(body, authorization);
    const token = tokenOf(body);
    if (this.tokens.kind(token) === 'access') {
      const check = await this.tokens.verifyAccessToken(token);
      if (!check.ok) return { active: false };
      const c = check.claims as typeof check.claims & { iat?: number; iss?: string; aud?: string | string[]; jti?: string };
      if (!(await this.accounts.usableSessionByCode(c.sid))) return { active: false };
      return {
        active: true,
        token_type: 'Bearer',
        sub: c.sub,
        client_id: c.client_id,
        scope: c.scope,
        exp: c.exp,
        iat: c.iat,
        iss: c.iss,
        aud: c.aud,
        jti: c.jti,
        session: c.sid,
      };
    }
    const refresh = await this.refreshTokens.find(token);
    if (!refresh || refresh.rotated || refresh.expired || refresh.clientId !== client.clientId) return { active: false };
    const session = await this.accounts.refreshableSession(refresh.sessionId);
    if (!session) return { active: false };
    return {
      active: true,
      token_type: 'refresh_token',
      sub: session.userId,
      client_id: refresh.clientId,
      scope: refresh.scope,
      exp: refresh.exp,
      session: session.code,
    };
  }

  @Post('revoke')
  @Public()
  @HttpCode(200)
  @ApiClientAuthenticated()
  @ApiOperation({
    summary: 'RFC 7009 revocation',
    description:
      'A refresh token: its rotation family is revoked. An access token: its session is closed (as sign/out does), which ends every token of it (a client_credentials token: its service account session, which the next grant opens anew).',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['token'],
      properties: { token: { type: 'string' }, token_type_hint: { type: 'string', enum: ['access_token', 'refresh_token'] } },
    },
  })
  async revoke(@Body() body: TokenForm, @Headers('authorization') authorization?: string): Promise<Record<string, never>> {
    const client = await this.authenticate(body, authorization);
    const token = tokenOf(body);
    if (this.tokens.kind(token) === 'access') {
      const check = await this.tokens.verifyAccessToken(token);
      // RFC 7009 2.2: an invalid or already expired token needs no revocation.
      if (!check.ok || check.claims.client_id !== client.clientId) return {};
      const session = await this.accounts.refreshableSessionByCode(check.claims.sid);
      if (session) await this.accounts.closeSession(session.id);
      return {};
    }
    const refresh = await this.refreshTokens.find(token);
    if (refresh?.clientId === client.clientId) await this.refreshTokens.revokeFamily(refresh.family);
    return {};
  }

  private async userinfo(auth: AuthContext): Promise<Record<string, unknown>> {
    const claims = (await this.accounts.claims(auth.userId)) ?? { sub: auth.userId };
    // Tokens of the API's own sign-in carry no scope: they stand for the user and see the whole profile.
    const scopes = auth.scope === null ? Object.keys(SCOPE_CLAIMS) : auth.scope.split(' ');
    const released = new Set(['sub', ...scopes.flatMap((s) => SCOPE_CLAIMS[s] ?? [])]);
    return Object.fromEntries(Object.entries(claims).filter(([k, v]) => released.has(k) && v !== undefined));
  }

  private authenticate(body: TokenForm, authorization: string | undefined) {
    const basic = authorization ? decodeBasic(authorization) : undefined;
    const str = (v: unknown) => (typeof v === 'string' && v.length <= TOKEN_MAX ? v : undefined);
    return basic
      ? this.clients.authenticate(basic.id, basic.secret)
      : this.clients.authenticate(str(body.client_id), str(body.client_secret));
  }
}

function tokenOf(body: TokenForm): string {
  if (typeof body.token !== 'string' || body.token.length === 0)
    throw new DomainError('BAD_REQUEST', 'token is required', { oauthError: 'invalid_request' });
  if (body.token.length > TOKEN_MAX) throw new DomainError('BAD_REQUEST', 'token is too long', { oauthError: 'invalid_request' });
  return body.token;
}
