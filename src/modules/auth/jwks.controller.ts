import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { Public } from '../../common/security/auth-context.js';
import { TokenService } from './tokens/token.service.js';

/**
 * The public keys of access tokens, read fresh from the key table: Nest routes come before the provider's
 * mount, so this answers /oauth2/jwks and a rotated key shows at once (oidc-provider's key set is fixed when
 * it is built).
 */
@ApiTags('oauth2')
@ApiContract('oauth')
@Public()
@Controller('oauth2')
export class JwksController {
  constructor(private readonly tokens: TokenService) {}

  @Get('jwks')
  @ApiOperation({ summary: 'JSON Web Key Set of access-token signing keys' })
  jwks() {
    return this.tokens.jwks();
  }
}
