import { Module } from '@nestjs/common';
import { OAuthClientsController } from './oauth-clients.controller.js';
import { OAuthClientsService } from './oauth-clients.service.js';
import { OidcBootstrapService } from './oidc-bootstrap.service.js';

/**
 * The OAuth 2.0 / OpenID Connect server. So far: the client registry and its administration; the provider
 * itself (oidc-provider under /oauth2) builds on OAuthClientsService.
 */
@Module({
  controllers: [OAuthClientsController],
  providers: [OAuthClientsService, OidcBootstrapService],
  exports: [OAuthClientsService],
})
export class OidcModule {}
