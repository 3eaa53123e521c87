import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { OAuthClientsService } from './oauth-clients.service.js';

/** BOOTSTRAP_CLIENT_ID set: that client exists at start, with BOOTSTRAP_CLIENT_SECRET and _REDIRECT_URIS. */
@Injectable()
export class OidcBootstrapService implements OnApplicationBootstrap {
  constructor(
    private readonly clients: OAuthClientsService,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    logger.setContext('OidcBootstrap');
  }

  async onApplicationBootstrap(): Promise<void> {
    const { id, secret, redirectUris } = this.config.oauth.bootstrapClient;
    if (!id) return;
    const generated = await this.clients.ensure(id, secret, redirectUris);
    if (generated) this.logger.warn(`created OAuth client "${id}" with generated secret ${generated} (shown once)`);
  }
}
