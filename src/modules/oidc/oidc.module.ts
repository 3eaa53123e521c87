import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { OAuthClientsController } from './oauth-clients.controller.js';
import { OAuthClientsService } from './oauth-clients.service.js';
import { OAuthGrantsService } from './oauth-grants.service.js';
import { AuthModule } from '../auth/auth.module.js';
import { OidcBootstrapService } from './oidc-bootstrap.service.js';
import { OidcProviderService } from './oidc-provider.service.js';
import { InteractionController } from './interaction.controller.js';
import { OAuthLoginsService } from './oauth-logins.service.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';
import { OAuthTokensController } from './oauth-tokens.controller.js';

/**
 * The OAuth 2.0 / OpenID Connect server: oidc-provider under /oauth2 (OidcProviderService), the client
 * registry and its administration.
 */
@Module({
  imports: [AuthModule, DiscoveryModule],
  controllers: [OAuthClientsController, InteractionController, OAuthTokensController],
  providers: [
    RefreshTokensRepository,
    OAuthLoginsService,
    OAuthClientsService,
    OAuthGrantsService,
    OidcBootstrapService,
    OidcProviderService,
  ],
  exports: [OAuthClientsService],
})
export class OidcModule {}
