import type { OAuthClientsService } from './oauth-clients.service.js';
import type { OidcModelRepository } from './oidc-model.repository.js';

type Payload = Record<string, unknown>;

/**
 * oidc-provider's storage over PostgreSQL (OidcModelRepository), so no instance keeps anything another would
 * need. Clients are not stored here: the `Client` model reads our own registry.
 */
export function postgresAdapter(models: OidcModelRepository, clients: OAuthClientsService) {
  return class PostgresAdapter {
    constructor(private readonly model: string) {}

    upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      return models.upsert(this.model, id, payload, expiresIn);
    }

    find(id: string): Promise<Payload | undefined> {
      if (this.model === 'Client') return clients.providerMetadata(id);
      return models.find(this.model, 'id', id);
    }

    findByUid(uid: string): Promise<Payload | undefined> {
      return models.find(this.model, 'uid', uid);
    }

    findByUserCode(userCode: string): Promise<Payload | undefined> {
      return models.find(this.model, 'user_code', userCode);
    }

    consume(id: string): Promise<void> {
      return models.consume(this.model, id);
    }

    destroy(id: string): Promise<void> {
      return models.destroy(this.model, id);
    }

    revokeByGrantId(grantId: string): Promise<void> {
      return models.revokeByGrantId(grantId);
    }
  };
}
