import { Controller, Get, HttpCode, Post, SetMetadata } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ApiClientAuthenticated } from '../../common/openapi/swagger.js';
import { Public } from '../../common/security/auth-context.js';

/** Marks a controller whose routes document what oidc-provider serves: the dispatcher leaves those paths to it. */
export const SERVED_BY_PROVIDER = 'oidc:served-by-provider';

class TokenRequestDto {
  @ApiProperty({ enum: ['authorization_code', 'password', 'client_credentials', 'refresh_token'] }) grant_type: string;
  @ApiPropertyOptional({ description: 'With client_secret, unless sent by HTTP Basic' }) client_id?: string;
  @ApiPropertyOptional() client_secret?: string;
  @ApiPropertyOptional({ description: 'authorization_code: the code of /oauth2/authorize, or of /api/v1/sign/in' }) code?: string;
  @ApiPropertyOptional({ description: 'authorization_code: as in the authorization request' }) redirect_uri?: string;
  @ApiPropertyOptional({ description: 'authorization_code with PKCE (S256)' }) code_verifier?: string;
  @ApiPropertyOptional({ description: 'password: the login' }) username?: string;
  @ApiPropertyOptional({ description: 'password' }) password?: string;
  @ApiPropertyOptional({ description: 'password: a secret code instead of username and password' }) secret?: string;
  @ApiPropertyOptional({ description: 'refresh_token' }) refresh_token?: string;
  @ApiPropertyOptional({ description: 'Space-separated; default: the client’s default scopes', example: 'openid api' }) scope?: string;
}

class TokenResponseDto {
  @ApiProperty({ description: 'JWT (at+jwt), 1 hour (a day for client_credentials)' }) access_token: string;
  @ApiProperty({ enum: ['Bearer'] }) token_type: string;
  @ApiProperty({ example: 3600 }) expires_in: number;
  @ApiProperty({ description: 'The session the tokens belong to', example: 'dfe05b78a76b6ad8e0fcbef270671793b86aa848' }) session: string;
  @ApiProperty({ example: 'api' }) scope: string;
  @ApiPropertyOptional({ description: 'Rotated on use' }) refresh_token?: string;
  @ApiPropertyOptional({ description: 'With openid, profile or email' }) id_token?: string;
}

const AUTHORIZE_QUERY: [string, string, boolean][] = [
  ['client_id', 'The client', true],
  ['redirect_uri', 'One of the client’s redirect URIs', true],
  ['response_type', '`code`, `token`, `code token`, `id_token` or `code id_token`', true],
  ['scope', 'Space-separated scopes (`api`, `openid`, `profile`, `email`, `phone`, `offline_access`)', false],
  ['state', 'Returned as given', false],
  ['access_type', '`online` (default) or `offline` (a refresh token at the exchange)', false],
  ['nonce', 'Into the id_token', false],
  ['code_challenge', 'PKCE (S256); required of public clients', false],
  ['code_challenge_method', '`S256`', false],
  ['max_age', 'Seconds since the last sign-in; the id_token then has auth_time', false],
  ['prompt', '`login`, `consent`, `none`', false],
  ['claims', 'JSON: the id_token claims asked for by name', false],
  ['request_uri', 'Of a pushed request (PAR, POST /oauth2/request)', false],
];

/**
 * The two endpoints seed 002 names, served by oidc-provider (OidcProviderService hands these paths to it before
 * Express, so these handlers never run): here only so that /docs shows them beside the rest.
 */
@ApiTags('oauth2')
@ApiContract('oauth')
@Public()
@SetMetadata(SERVED_BY_PROVIDER, true)
@Controller('oauth2')
export class OAuthEndpointsController {
  @Get('authorize')
  @ApiOperation({
    summary: 'Authorization endpoint (seed 002): the login and consent pages, then a redirect to redirect_uri',
    description:
      '`code` answers in the query; `token` and `code token` in the fragment with token_type, expires_in, session and access_token; `id_token` and `code id_token` as OpenID Connect says. Errors redirect with `error`, `error_description` (and `code=403` for access_denied).',
  })
  @ApiResponse({ status: 303, description: 'To the login page, or back to redirect_uri' })
  @ApiResponse({ status: 400, description: 'Unknown client or redirect URI: an error page' })
  authorize(): never {
    throw servedByProvider();
  }

  @Post('token')
  @HttpCode(200)
  @ApiClientAuthenticated()
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: TokenRequestDto })
  @ApiOperation({
    summary: 'Token endpoint (seed 002): authorization_code, password, client_credentials, refresh_token',
    description:
      'Client authentication by HTTP Basic or client_id/client_secret in the body. Errors are RFC 6749 (`invalid_grant`, `invalid_client`, ...).',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiResponse({ status: 400, description: 'RFC 6749 error: {error, error_description}' })
  @ApiResponse({ status: 401, description: 'invalid_client' })
  token(): never {
    throw servedByProvider();
  }
}

for (const [name, description, required] of AUTHORIZE_QUERY)
  ApiQuery({ name, description, required, type: String })(
    OAuthEndpointsController.prototype,
    'authorize',
    Object.getOwnPropertyDescriptor(OAuthEndpointsController.prototype, 'authorize')!,
  );

function servedByProvider(): DomainError {
  return new DomainError('NOT_FOUND');
}
