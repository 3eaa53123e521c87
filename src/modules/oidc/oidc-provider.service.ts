import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import Provider, { type Configuration } from 'oidc-provider';
import { DataSource } from 'typeorm';
import { ContractRegistry } from '../../common/errors/contract-registry.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { SigningKeysService } from '../auth/tokens/signing-keys.service.js';
import { OAuthClientsService, SIGNUP_SCOPE } from './oauth-clients.service.js';
import { OAuthGrantsService } from './oauth-grants.service.js';
import { postgresAdapter, purgeExpired } from './oidc.adapter.js';
import { oidcRequestShim } from './oidc-request.shim.js';

const PURGE_EVERY_MS = 60_000;
/** Seed 002: a client-credentials token lives one day. */
const CLIENT_CREDENTIALS_TTL = 86_400;

/**
 * oidc-provider 9 mounted under /oauth2 of the Nest Express app, issuer TOKEN_ISSUER, signing with the
 * identity module's keys (so /oauth2/jwks is the same key set the API guard trusts), storing everything in
 * PostgreSQL. So far: discovery, JWKS, client_credentials (JWT access tokens for TOKEN_AUDIENCE), and the
 * password and refresh_token grants (OAuthGrantsService: tokens bound to our sessions).
 * Introspection and revocation are switched on for what the provider stores (refresh tokens); JWT access
 * tokens are not stored, so introspecting and revoking those needs our own handling (the session check).
 */
@Injectable()
export class OidcProviderService implements OnModuleInit, OnModuleDestroy {
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly keys: SigningKeysService,
    private readonly clients: OAuthClientsService,
    private readonly grants: OAuthGrantsService,
    private readonly contracts: ContractRegistry,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const provider = new Provider(this.config.auth.issuer, await this.configuration());
    provider.proxy = this.config.http.trustProxy;
    this.grants.register(provider);
    this.adapterHost.httpAdapter.use('/oauth2', oidcRequestShim, provider.callback());
    this.contracts.register('/oauth2', 'oauth');
    this.purgeTimer = setInterval(() => void purgeExpired(this.ds).catch(() => {}), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  private async configuration(): Promise<Configuration> {
    const { audience, accessTokenTtl } = this.config.auth;
    return {
      adapter: postgresAdapter(this.ds, this.clients),
      jwks: { keys: await this.keys.privateAccessJwks() },
      cookies: { keys: [this.keys.derivedSecret('oidc-cookies')] },
      // The signing keys are ES256 (the API's access-token keys).
      clientDefaults: { id_token_signed_response_alg: 'ES256' },
      routes: {
        authorization: '/authorize',
        token: '/token',
        jwks: '/jwks',
        userinfo: '/userinfo',
        introspection: '/introspect',
        revocation: '/revoke',
        end_session: '/logout',
      },
      scopes: ['openid', 'profile', 'email', 'offline_access', 'api', SIGNUP_SCOPE],
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        introspection: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource) => {
            if (resource !== audience) throw new Error('unknown resource');
            return { audience, scope: `api openid profile email ${SIGNUP_SCOPE}`, accessTokenFormat: 'jwt', accessTokenTTL: accessTokenTtl, jwt: { sign: { alg: 'ES256' } } };
          },
        },
      },
      ttl: { ClientCredentials: CLIENT_CREDENTIALS_TTL, AccessToken: accessTokenTtl, IdToken: accessTokenTtl },
      claims: {
        openid: ['sub'],
        profile: ['name', 'family_name', 'given_name', 'middle_name', 'preferred_username'],
        email: ['email', 'email_verified'],
        phone: ['phone_number', 'phone_number_verified'],
      },
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    };
  }
}
