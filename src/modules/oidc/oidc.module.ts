import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module.js';
import { BrowserSessionBridge } from './browser-session.bridge.js';
import { InteractionController } from './interaction.controller.js';
import { OAuthClientsController } from './oauth-clients.controller.js';
import { OAuthEndpointsController } from './oauth-endpoints.controller.js';
import { OAuthClientsRepository } from './oauth-clients.repository.js';
import { OAuthClientsService } from './oauth-clients.service.js';
import { OAuthGrantsService } from './oauth-grants.service.js';
import { OAuthLoginsRepository } from './oauth-logins.repository.js';
import { OAuthLoginsService } from './oauth-logins.service.js';
import { OAuthTokensController } from './oauth-tokens.controller.js';
import { OidcBootstrapService } from './oidc-bootstrap.service.js';
import { OidcModelRepository } from './oidc-model.repository.js';
import { OidcProviderService } from './oidc-provider.service.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

/**
 * The OAuth 2.0 / OpenID Connect server: oidc-provider under /oauth2 (OidcProviderService), the client
 * registry and its administration.
 */
@Module({
  imports: [AuthModule, DiscoveryModule],
  controllers: [OAuthClientsController, InteractionController, OAuthTokensController, OAuthEndpointsController],
  providers: [
    OAuthClientsRepository,
    OAuthLoginsRepository,
    OidcModelRepository,
    RefreshTokensRepository,
    OAuthLoginsService,
    OAuthClientsService,
    OAuthGrantsService,
    OidcBootstrapService,
    OidcProviderService,
    BrowserSessionBridge,
  ],
  exports: [OAuthClientsService],
})
export class OidcModule {}
