import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { uniqueViolation } from '../../common/errors/unique-violation.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { sha256Hex } from '../../common/security/hash.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import { OAuthClient } from './oauth-client.entity.js';
import { GRANT_TYPES, RESPONSE_TYPES } from './oauth-client.dto.js';

export interface ClientSettings {
  client_id?: string;
  name?: string;
  redirect_uris?: string[];
  grant_types?: string[];
  response_types?: string[];
  scope?: string;
  first_party?: boolean;
  can_sign_up?: boolean;
  public?: boolean;
}

export interface ClientView {
  client_id: string;
  name: string;
  public: boolean;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  scope: string;
  first_party: boolean;
  can_sign_up: boolean;
  created: Date;
  updated: Date;
}

const DEFAULT_SCOPE = 'openid profile email offline_access api';
/** The grants the provider dispatches (implicit rides on authorization_code: see OidcProviderService). */
const PROVIDER_GRANTS = new Set(['authorization_code', 'refresh_token', 'client_credentials', 'password']);
export const SIGNUP_SCOPE = 'signup';
/** How long a process reuses a client's provider metadata; changes made here take effect at once. */
const METADATA_CACHE_MS = 2_000;
const newSecret = () => randomBytes(32).toString('base64url');

/** OAuth clients: created, listed, changed, re-keyed and deleted by administrators; secrets shown once. */
@Injectable()
export class OAuthClientsService {
  private readonly metadataCache = new Map<string, { metadata: Record<string, unknown> | undefined; until: number }>();

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async create(input: ClientSettings & { name: string }, secret: string = newSecret()): Promise<ClientView & { client_secret?: string }> {
    const client = this.ds.getRepository(OAuthClient).create({
      clientId: input.client_id ?? randomBytes(12).toString('hex'),
      name: input.name,
      secretHash: input.public ? null : sha256Hex(secret),
      redirectUris: input.redirect_uris ?? [],
      grantTypes: input.grant_types ?? ['authorization_code', 'refresh_token'],
      responseTypes: input.response_types ?? ['code'],
      scope: input.scope ?? DEFAULT_SCOPE,
      firstParty: input.first_party ?? false,
      canSignUp: input.can_sign_up ?? false,
    });
    checkConsistent(client);
    try {
      await this.ds.getRepository(OAuthClient).insert(client);
    } catch (err) {
      if (uniqueViolation(err)) {
        throw new DomainError('CONFLICT', `Client "${client.clientId}" already exists`);
      }
      throw err;
    }
    const view = await this.get(client.clientId);
    return input.public ? view : { ...view, client_secret: secret };
  }

  async list(): Promise<ClientView[]> {
    return (await this.ds.getRepository(OAuthClient).find({ order: { clientId: 'ASC' } })).map(toView);
  }

  async get(clientId: string): Promise<ClientView> {
    return toView(await this.find(clientId));
  }

  async update(clientId: string, changes: ClientSettings): Promise<ClientView> {
    const client = await this.find(clientId);
    const next: OAuthClient = {
      ...client,
      name: changes.name ?? client.name,
      redirectUris: changes.redirect_uris ?? client.redirectUris,
      grantTypes: changes.grant_types ?? client.grantTypes,
      responseTypes: changes.response_types ?? client.responseTypes,
      scope: changes.scope ?? client.scope,
      firstParty: changes.first_party ?? client.firstParty,
      canSignUp: changes.can_sign_up ?? client.canSignUp,
      updated: new Date(),
    };
    checkConsistent(next);
    await this.ds.getRepository(OAuthClient).save(next);
    this.metadataCache.delete(clientId);
    return this.get(clientId);
  }

  /** A new secret, shown once; the old one stops working at once. */
  async rotateSecret(clientId: string): Promise<{ client_id: string; client_secret: string }> {
    const client = await this.find(clientId);
    if (!client.secretHash) throw new DomainError('BAD_REQUEST', `Client "${clientId}" is public and has no secret`);
    const secret = newSecret();
    await this.ds.getRepository(OAuthClient).update({ clientId }, { secretHash: sha256Hex(secret), updated: new Date() });
    this.metadataCache.delete(clientId);
    return { client_id: clientId, client_secret: secret };
  }

  async delete(clientId: string): Promise<{ deleted: boolean }> {
    await this.find(clientId);
    await this.ds.getRepository(OAuthClient).delete({ clientId });
    this.metadataCache.delete(clientId);
    return { deleted: true };
  }

  /**
   * Makes the configured bootstrap client exist with every grant and response type (those that redirect only
   * when it has redirect URIs), first-party. Without a
   * configured secret an existing client keeps its own, and a new one gets a generated secret (returned).
   */
  async ensure(clientId: string, secret: string | undefined, redirectUris: string[]): Promise<string | undefined> {
    // Without redirect URIs the redirecting grants cannot work: the client gets the others only.
    const redirecting = redirectUris.length > 0;
    const settings = {
      name: clientId,
      redirect_uris: redirectUris,
      grant_types: GRANT_TYPES.filter((g) => redirecting || (g !== 'authorization_code' && g !== 'implicit')),
      response_types: redirecting ? [...RESPONSE_TYPES] : [],
      first_party: true,
    };
    const existing = await this.ds.getRepository(OAuthClient).findOneBy({ clientId });
    if (!existing) {
      const generated = secret ? undefined : newSecret();
      await this.create({ ...settings, client_id: clientId }, secret ?? generated);
      return generated;
    }
    await this.update(clientId, settings);
    if (secret) await this.ds.getRepository(OAuthClient).update({ clientId }, { secretHash: sha256Hex(secret) });
    this.metadataCache.delete(clientId);
    return undefined;
  }

  /**
   * The client as oidc-provider's metadata. Confidential clients authenticate with client_secret_post: the
   * request shim turns HTTP Basic into body credentials and replaces the secret with its hash, which is what
   * is registered here. Only the grants and response types the provider serves are listed.
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
   * credentials, the secret compared by hash in constant time. Public clients present their id only.
   */
  async authenticate(clientId: string | undefined, secret: string | undefined): Promise<{ clientId: string }> {
    const failed = () => new DomainError('UNAUTHORIZED', 'client authentication failed', { oauthError: 'invalid_client' });
    if (!clientId) throw failed();
    const client = await this.ds.getRepository(OAuthClient).findOneBy({ clientId });
    if (!client) throw failed();
    if (client.secretHash === null) {
      if (secret !== undefined) throw failed();
      return { clientId };
    }
    if (secret === undefined || !timingSafeEqual(Buffer.from(sha256Hex(secret)), Buffer.from(client.secretHash))) throw failed();
    return { clientId };
  }

  private async loadMetadata(clientId: string): Promise<Record<string, unknown> | undefined> {
    const c = await this.ds.getRepository(OAuthClient).findOneBy({ clientId });
    if (!c) return undefined;
    // The provider itself serves response_type=code only: `token` and `code token` are rewritten to code
    // and finished by us, so a client with any of them is registered for code, and the real list travels
    // in platform_response_types for the check at the authorization endpoint.
    const redirecting = c.responseTypes.length > 0;
    const grantTypes = [
      ...new Set([...c.grantTypes.filter((g) => PROVIDER_GRANTS.has(g)), ...(redirecting ? ['authorization_code'] : [])]),
    ];
    return {
      platform_response_types: c.responseTypes,
      first_party: c.firstParty,
      response_types: redirecting ? ['code'] : [],
      post_logout_redirect_uris: c.redirectUris,
      client_id: c.clientId,
      client_name: c.name,
      ...(c.secretHash
        ? { client_secret: c.secretHash, token_endpoint_auth_method: 'client_secret_post' }
        : { token_endpoint_auth_method: 'none' }),
      redirect_uris: c.redirectUris,
      grant_types: grantTypes,
      // The signup scope is how a client's sign-up permission reaches its tokens (see ClientScope).
      scope: [...c.scope.split(' ').filter((x) => x !== SIGNUP_SCOPE), ...(c.canSignUp ? [SIGNUP_SCOPE] : [])].join(' '),
    };
  }

  private async find(clientId: string): Promise<OAuthClient> {
    const client = await this.ds.getRepository(OAuthClient).findOneBy({ clientId });
    if (!client) throw new DomainError('NOT_FOUND', `Client "${clientId}" not found`);
    return client;
  }
}

/** Response types need their grants; secret-only grants need a secret; redirects need redirect URIs. */
function checkConsistent(c: OAuthClient): void {
  const grants = new Set(c.grantTypes);
  for (const rt of c.responseTypes) {
    if (rt.includes('code') && !grants.has('authorization_code'))
      throw invalidField('response_types', `"${rt}" needs the authorization_code grant`);
    if (rt.includes('token') && !grants.has('implicit')) throw invalidField('response_types', `"${rt}" needs the implicit grant`);
  }
  if (!c.secretHash && (grants.has('client_credentials') || grants.has('password'))) {
    throw invalidField('grant_types', 'client_credentials and password need a confidential client (not public)');
  }
  if ((grants.has('authorization_code') || grants.has('implicit')) && c.redirectUris.length === 0) {
    throw invalidField('redirect_uris', 'authorization_code and implicit need at least one redirect URI');
  }
}

function toView(c: OAuthClient): ClientView {
  return {
    client_id: c.clientId,
    name: c.name,
    public: c.secretHash === null,
    redirect_uris: c.redirectUris,
    grant_types: c.grantTypes,
    response_types: c.responseTypes,
    scope: c.scope,
    first_party: c.firstParty,
    can_sign_up: c.canSignUp,
    created: c.created,
    updated: c.updated,
  };
}
