import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { uniqueViolation } from '../../common/errors/unique-violation.js';
import { sha256Hex } from '../../common/security/hash.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AccountsService } from '../auth/accounts.service.js';
import { GRANT_TYPES, RESPONSE_TYPES } from './oauth-client.dto.js';
import { type IdTokenAlg, OAuthClient } from './oauth-client.entity.js';
import { OAuthClientsRepository } from './oauth-clients.repository.js';

export interface ClientSettings {
  client_id?: string;
  name?: string;
  redirect_uris?: string[];
  grant_types?: string[];
  response_types?: string[];
  scope?: string;
  default_scope?: string;
  first_party?: boolean;
  can_sign_up?: boolean;
  public?: boolean;
  id_token_signed_response_alg?: IdTokenAlg;
  client_credentials_refresh?: boolean;
  /** A secret the administrator chose (CLIENT_SECRET_MIN_LENGTH..200 printable characters); stored as its SHA-256. */
  client_secret?: string;
}

export interface ClientView {
  client_id: string;
  name: string;
  public: boolean;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  scope: string;
  default_scope: string;
  first_party: boolean;
  can_sign_up: boolean;
  id_token_signed_response_alg: IdTokenAlg;
  client_credentials_refresh: boolean;
  created: Date;
  updated: Date;
}

/** What a client registered without `scope` may ask for. */
const DEFAULT_SCOPE = 'openid profile email offline_access api';
/** The grants the provider dispatches (`token` and `code token` ride on authorization_code: see OidcProviderService). */
const PROVIDER_GRANTS = new Set(['authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password']);
/** The response types oidc-provider serves itself; `token` and `code token` are asked of it as `code`. */
const PROVIDER_RESPONSE_TYPES = new Set(['code', 'id_token', 'code id_token']);
/** How long a process reuses a client's provider metadata; changes made here take effect at once. */
const METADATA_CACHE_MS = 2_000;
const newSecret = () => randomBytes(32).toString('base64url');

/** The one client-secret check: the presented secret's SHA-256 against the stored one, in constant time. */
export function secretMatches(storedHash: string | null | undefined, presented: unknown): boolean {
  if (!storedHash || typeof presented !== 'string' || presented.length === 0) return false;
  return timingSafeEqual(Buffer.from(sha256Hex(presented)), Buffer.from(storedHash));
}

const scopes = (s: string) => s.split(' ').filter(Boolean);

/**
 * OAuth clients: created, listed, changed, re-keyed and deleted by administrators; secrets shown once. Each
 * client has a service account (AccountsService), created and deleted with it; `can_sign_up` is that account's
 * membership of `account_creator`.
 */
@Injectable()
export class OAuthClientsService {
  private readonly metadataCache = new Map<string, { metadata: Record<string, unknown> | undefined; until: number }>();

  constructor(
    private readonly repo: OAuthClientsRepository,
    private readonly accounts: AccountsService,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** An administrator's chosen secret: long enough (CLIENT_SECRET_MIN_LENGTH), and only for a confidential client. */
  private chosenSecret(secret: string | undefined, isPublic: boolean): string | undefined {
    if (secret === undefined) return undefined;
    if (isPublic) throw invalidField('client_secret', 'a public client has no secret');
    const min = this.config.oauth.clientSecretMinLength;
    if (secret.length < min) throw invalidField('client_secret', `client_secret must be at least ${min} characters long`);
    return secret;
  }

  async create(input: ClientSettings & { name: string }, secret?: string): Promise<ClientView & { client_secret?: string }> {
    secret ??= this.chosenSecret(input.client_secret, input.public ?? false) ?? newSecret();
    const firstParty = input.first_party ?? false;
    const client: OAuthClient = {
      clientId: input.client_id ?? randomBytes(12).toString('hex'),
      name: input.name,
      secretHash: input.public ? null : sha256Hex(secret),
      redirectUris: input.redirect_uris ?? [],
      grantTypes: input.grant_types ?? ['authorization_code', 'refresh_token'],
      responseTypes: input.response_types ?? ['code'],
      scope: input.scope ?? DEFAULT_SCOPE,
      defaultScope: input.default_scope ?? (firstParty && scopes(input.scope ?? DEFAULT_SCOPE).includes('api') ? 'api' : ''),
      firstParty,
      idTokenSignedResponseAlg: input.id_token_signed_response_alg ?? 'RS256',
      clientCredentialsRefresh: input.client_credentials_refresh ?? true,
      serviceUserId: null,
      created: new Date(),
      updated: new Date(),
    };
    checkConsistent(client);
    const taken = () => new DomainError('CONFLICT', `Client "${client.clientId}" already exists`);
    try {
      await this.uow.run(async () => {
        if (await this.repo.find(client.clientId)) throw taken();
        client.serviceUserId = await this.accounts.createServiceAccount(client.clientId, client.name);
        await this.repo.insert(client);
        if (input.can_sign_up) await this.accounts.setAccountCreator(client.serviceUserId, true);
      });
    } catch (err) {
      if (uniqueViolation(err)) throw taken();
      throw err;
    }
    const view = await this.get(client.clientId);
    return input.public ? view : { ...view, client_secret: secret };
  }

  async list(): Promise<ClientView[]> {
    return Promise.all((await this.repo.list()).map((c) => this.view(c)));
  }

  async get(clientId: string): Promise<ClientView> {
    return this.view(await this.find(clientId));
  }

  async update(clientId: string, changes: ClientSettings): Promise<ClientView> {
    await this.uow.run(async () => {
      const client = await this.find(clientId);
      const secret = this.chosenSecret(changes.client_secret, client.secretHash === null);
      const next: OAuthClient = {
        ...client,
        secretHash: secret === undefined ? client.secretHash : sha256Hex(secret),
        name: changes.name ?? client.name,
        redirectUris: changes.redirect_uris ?? client.redirectUris,
        grantTypes: changes.grant_types ?? client.grantTypes,
        responseTypes: changes.response_types ?? client.responseTypes,
        scope: changes.scope ?? client.scope,
        defaultScope: changes.default_scope ?? client.defaultScope,
        firstParty: changes.first_party ?? client.firstParty,
        idTokenSignedResponseAlg: changes.id_token_signed_response_alg ?? client.idTokenSignedResponseAlg,
        clientCredentialsRefresh: changes.client_credentials_refresh ?? client.clientCredentialsRefresh,
        updated: new Date(),
      };
      checkConsistent(next);
      await this.repo.save(next);
      if (changes.can_sign_up !== undefined) await this.accounts.setAccountCreator(await this.serviceAccountOf(next), changes.can_sign_up);
    });
    this.metadataCache.delete(clientId);
    return this.get(clientId);
  }

  /** A new secret, shown once; the old one stops working at once. */
  async rotateSecret(clientId: string): Promise<{ client_id: string; client_secret: string }> {
    const client = await this.find(clientId);
    if (!client.secretHash) throw new DomainError('BAD_REQUEST', `Client "${clientId}" is public and has no secret`);
    const secret = newSecret();
    await this.repo.save({ ...client, secretHash: sha256Hex(secret), updated: new Date() });
    this.metadataCache.delete(clientId);
    return { client_id: clientId, client_secret: secret };
  }

  /** Deletes the client and its service account (whose sessions end with it). */
  async delete(clientId: string): Promise<{ deleted: boolean }> {
    await this.uow.run(async () => {
      const client = await this.find(clientId);
      await this.repo.delete(clientId);
      if (client.serviceUserId) await this.accounts.deleteAccount(client.serviceUserId);
    });
    this.metadataCache.delete(clientId);
    return { deleted: true };
  }

  /**
   * Makes the configured bootstrap client exist with every grant and response type (those that redirect only
   * when it has redirect URIs), first-party, allowed to sign users up (seed 002: the authorization server
   * calls sign/up). Without a configured secret an existing client keeps its own, and a new one gets a
   * generated secret (returned).
   */
  async ensure(clientId: string, secret: string | undefined, redirectUris: string[]): Promise<string | undefined> {
    // Without redirect URIs the redirecting grants cannot work: the client gets the others only.
    const redirecting = redirectUris.length > 0;
    const settings: ClientSettings & { name: string } = {
      name: clientId,
      redirect_uris: redirectUris,
      grant_types: GRANT_TYPES.filter((g) => redirecting || (g !== 'authorization_code' && g !== 'implicit')),
      response_types: redirecting ? [...RESPONSE_TYPES] : [],
      first_party: true,
      can_sign_up: true,
    };
    const existing = await this.repo.find(clientId);
    if (!existing) {
      const generated = secret ? undefined : newSecret();
      await this.create({ ...settings, client_id: clientId, default_scope: 'api' }, secret ?? generated);
      return generated;
    }
    await this.update(clientId, settings);
    if (secret) await this.repo.save({ ...(await this.find(clientId)), secretHash: sha256Hex(secret) });
    this.metadataCache.delete(clientId);
    return undefined;
  }

  /** The service account of the client with this id (created if it has none yet). */
  async serviceAccount(clientId: string): Promise<string> {
    return this.serviceAccountOf(await this.find(clientId));
  }

  /** The client's service account, created when a client made before service accounts has none. */
  private async serviceAccountOf(client: OAuthClient): Promise<string> {
    if (client.serviceUserId) return client.serviceUserId;
    return this.uow.run(async () => {
      const userId = await this.accounts.createServiceAccount(client.clientId, client.name);
      await this.repo.save({ ...client, serviceUserId: userId });
      this.metadataCache.delete(client.clientId);
      return userId;
    });
  }

  /**
   * The client as oidc-provider's metadata. `client_secret` is the stored SHA-256: the provider compares
   * secrets through `secretMatches` (OidcProviderService sets Client#compareClientSecret), so the hash itself
   * never authenticates, and no symmetric algorithm (which would need the secret) is enabled. Our own settings
   * travel as extra metadata (`platform_*`).
   */
  async providerMetadata(clientId: string): Promise<Record<string, unknown> | undefined> {
    const cached = this.metadataCache.get(clientId);
    if (cached && cached.until > Date.now()) return cached.metadata;
    const metadata = await this.loadMetadata(clientId);
    if (this.metadataCache.size >= 1000) this.metadataCache.clear();
    this.metadataCache.set(clientId, { metadata, until: Date.now() + METADATA_CACHE_MS });
    return metadata;
  }

  /**
   * Client authentication at our own OAuth endpoints (introspection, revocation): HTTP Basic or body
   * credentials, through `secretMatches` like the provider's endpoints. Public clients present their id only.
   */
  async authenticate(clientId: string | undefined, secret: string | undefined): Promise<{ clientId: string }> {
    const failed = () => new DomainError('UNAUTHORIZED', 'client authentication failed', { oauthError: 'invalid_client' });
    if (!clientId) throw failed();
    const client = await this.repo.find(clientId);
    if (!client) throw failed();
    if (client.secretHash === null) {
      if (secret !== undefined) throw failed();
      return { clientId };
    }
    if (!secretMatches(client.secretHash, secret)) throw failed();
    return { clientId };
  }

  private async loadMetadata(clientId: string): Promise<Record<string, unknown> | undefined> {
    const c = await this.repo.find(clientId);
    if (!c) return undefined;
    // `token` and `code token` are asked of the provider as `code` and finished by us: a client with either is
    // registered for code, and the real list travels in platform_response_types for the authorization endpoint.
    const responseTypes = [
      ...new Set(
        c.responseTypes.flatMap((t) => (PROVIDER_RESPONSE_TYPES.has(t) ? [t] : t.includes('code') || t === 'token' ? ['code'] : [])),
      ),
    ];
    const grantTypes = [
      ...new Set([
        ...c.grantTypes.filter((g) => PROVIDER_GRANTS.has(g)),
        ...(responseTypes.includes('code') ? ['authorization_code'] : []),
      ]),
    ];
    return {
      platform_response_types: c.responseTypes,
      platform_default_scope: c.defaultScope,
      platform_client_credentials_refresh: c.clientCredentialsRefresh,
      platform_service_user_id: c.serviceUserId,
      first_party: c.firstParty,
      response_types: responseTypes,
      post_logout_redirect_uris: c.redirectUris,
      client_id: c.clientId,
      client_name: c.name,
      ...(c.secretHash
        ? { client_secret: c.secretHash, token_endpoint_auth_method: 'client_secret_basic' }
        : { token_endpoint_auth_method: 'none' }),
      redirect_uris: c.redirectUris,
      grant_types: grantTypes,
      scope: c.scope,
      id_token_signed_response_alg: c.idTokenSignedResponseAlg,
    };
  }

  private async find(clientId: string): Promise<OAuthClient> {
    const client = await this.repo.find(clientId);
    if (!client) throw new DomainError('NOT_FOUND', `Client "${clientId}" not found`);
    return client;
  }

  private async view(c: OAuthClient): Promise<ClientView> {
    return {
      client_id: c.clientId,
      name: c.name,
      public: c.secretHash === null,
      redirect_uris: c.redirectUris,
      grant_types: c.grantTypes,
      response_types: c.responseTypes,
      scope: c.scope,
      default_scope: c.defaultScope,
      first_party: c.firstParty,
      can_sign_up: c.serviceUserId ? await this.accounts.isAccountCreator(c.serviceUserId) : false,
      id_token_signed_response_alg: c.idTokenSignedResponseAlg,
      client_credentials_refresh: c.clientCredentialsRefresh,
      created: c.created,
      updated: c.updated,
    };
  }
}

/** Response types need their grants; secret-only grants need a secret; redirects need redirect URIs; defaults are allowed scopes. */
function checkConsistent(c: OAuthClient): void {
  const grants = new Set(c.grantTypes);
  for (const rt of c.responseTypes) {
    if (rt.includes('code') && !grants.has('authorization_code'))
      throw invalidField('response_types', `"${rt}" needs the authorization_code grant`);
    if ((rt.includes('token') || rt.includes('id_token')) && !grants.has('implicit'))
      throw invalidField('response_types', `"${rt}" needs the implicit grant`);
  }
  if (!c.secretHash && (grants.has('client_credentials') || grants.has('password'))) {
    throw invalidField('grant_types', 'client_credentials and password need a confidential client (not public)');
  }
  if ((grants.has('authorization_code') || grants.has('implicit')) && c.redirectUris.length === 0) {
    throw invalidField('redirect_uris', 'authorization_code and implicit need at least one redirect URI');
  }
  const allowed = new Set(scopes(c.scope));
  const outside = scopes(c.defaultScope).filter((s) => !allowed.has(s));
  if (outside.length > 0) throw invalidField('default_scope', `not in the client's scope: ${outside.join(' ')}`);
}
