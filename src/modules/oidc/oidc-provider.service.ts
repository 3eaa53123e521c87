import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, HttpAdapterHost, MetadataScanner } from '@nestjs/core';
import Provider, { type Configuration, errors, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { ContractRegistry } from '../../common/errors/contract-registry.js';
import { sizeInBytes } from '../../common/http/body-parsers.js';
import { guardOAuthProvider } from '../../common/http/oauth-guard.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AccountsService } from '../auth/accounts.service.js';
import { SigningKeysService } from '../auth/tokens/signing-keys.service.js';
import { logoutPage, errorPage, PAGE_CSP } from './interaction-pages.js';
import { OAuthClientsService, secretMatches } from './oauth-clients.service.js';
import { CLIENT_CREDENTIALS_TTL, OAuthGrantsService, platformOf } from './oauth-grants.service.js';
import { OAuthLoginsService } from './oauth-logins.service.js';
import { postgresAdapter } from './oidc.adapter.js';
import { SERVED_BY_PROVIDER } from './oauth-endpoints.controller.js';
import { OidcModelRepository } from './oidc-model.repository.js';
import { REDIRECT_RESPONSE, oidcRequestShim } from './oidc-request.shim.js';

const PURGE_EVERY_MS = 60_000;
/** How long a browser stays signed in at the authorization server (the provider's session cookie). */
const BROWSER_SESSION_TTL = 14 * 86_400;
/** A login page may stay open this long. */
const INTERACTION_TTL = 3_600;
/** RFC 6749 4.1.2: codes are short-lived (ten minutes at most). */
const AUTHORIZATION_CODE_TTL = 60;
const ACCESS_DENIED = 'access_denied';
/** Where the provider is mounted (Nest controllers may serve paths below it too: see nestSegments). */
const MOUNT = '/oauth2';
/** RFC 8414 3: the metadata of an issuer with a path, at the well-known prefix followed by that path. */
const RFC8414_METADATA = `/.well-known/oauth-authorization-server${MOUNT}`;
/** The response types oidc-provider serves itself; `token` and `code token` are ours (the request shim). */
const PROVIDER_RESPONSE_TYPES = ['code', 'id_token', 'code id_token'];
/** Client authentication that works here: the secret (stored hashed, so no client_secret_jwt), or none with PKCE. */
const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];
/** Asymmetric only: a symmetric algorithm would need the client's secret, which is kept as a hash. */
const SIGNING_ALGS = ['RS256', 'ES256'];

/** What helmet gives the Express routes, for the provider's responses (its pages included). */
async function securityHeaders(ctx: { set(field: string, value: string): void }, next: () => Promise<unknown>): Promise<void> {
  await next();
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Content-Security-Policy', PAGE_CSP);
}

/**
 * The discovery document (and the RFC 8414 metadata, which is the same document) as it is true here: `token`
 * and `code token` are served (the request shim and authorizationResponses) and so is the `implicit` grant
 * behind them; no client authentication signs a JWT, so no signing algorithms are listed for it.
 */
async function discoveryDocument(ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> {
  await next();
  const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] | undefined;
  if (oidc?.route !== 'discovery' || !ctx.body || typeof ctx.body !== 'object') return;
  const body = ctx.body as Record<string, unknown>;
  body.response_types_supported = [...PROVIDER_RESPONSE_TYPES, 'token', 'code token'];
  body.grant_types_supported = [...new Set([...((body.grant_types_supported as string[]) ?? []), 'implicit'])];
  for (const key of Object.keys(body)) if (key.endsWith('_endpoint_auth_signing_alg_values_supported')) delete body[key];
}

type PlatformResult = { platform?: { sessionId?: string } };

/**
 * oidc-provider 9 serving /oauth2 (handed its requests at the HTTP server, before Express), issuer OIDC_ISSUER, signing with the
 * identity module's keys (so /oauth2/jwks is the same key set the API guard trusts; rebuilt when the key table
 * changes, so a rotation reaches id-token signatures without a restart), storing everything in PostgreSQL. What
 * it does itself: discovery (made to tell the truth by `discoveryDocument`), the authorization endpoint with its
 * browser session, interactions, consent grants and PKCE, `id_token` and `code id_token`, PAR, end_session, and
 * client authentication at all its endpoints (the secret through `secretMatches`). What is ours:
 * - every grant of the token endpoint (OAuthGrantsService: tokens bound to our sessions through the identity
 *   TokenService, client_credentials on the client's service account);
 * - `response_type=token` (dropped by oidc-provider) and `code token`: the request shim asks the provider
 *   for a code in the fragment and `authorizationResponses` below turns it into the seed's fragment;
 * - login and consent pages (InteractionController), userinfo, introspection and revocation: Nest routes
 *   below /oauth2, which the dispatcher leaves to Express.
 */
@Injectable()
export class OidcProviderService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OAuth');
  /** First path segments below MOUNT that Nest controllers serve (jwks, interaction, userinfo, ...). */
  private readonly nestSegments = new Set<string>();
  private purgeTimer?: NodeJS.Timeout;
  private instance?: Provider;
  private koa?: ReturnType<Provider['callback']>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly keys: SigningKeysService,
    private readonly clients: OAuthClientsService,
    private readonly grants: OAuthGrantsService,
    private readonly logins: OAuthLoginsService,
    private readonly accounts: AccountsService,
    private readonly models: OidcModelRepository,
    private readonly contracts: ContractRegistry,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The provider, for the interaction pages. */
  get provider(): Provider {
    if (!this.instance) throw new Error('the OAuth provider is not started');
    return this.instance;
  }

  onModuleInit(): void {
    this.build();
    // A new or retired key (rotated here or by another instance): a provider with the new key set takes over;
    // requests already inside the old one finish there (all state is in PostgreSQL).
    this.keys.onChange(() => this.build());
    this.dispatchBeforeExpress();
    this.contracts.register(MOUNT, 'oauth');
    this.contracts.register(RFC8414_METADATA, 'oauth');
    this.purgeTimer = setInterval(() => void this.purge().catch(() => {}), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  private build(): void {
    const provider = new Provider(this.config.auth.issuer, this.configuration());
    provider.proxy = this.config.http.trustProxy;
    // The one client-secret check at every endpoint that authenticates clients (token, PAR; introspection and
    // revocation are ours and use it too): the registry keeps the secret's SHA-256, which never authenticates itself.
    provider.Client.prototype.compareClientSecret = function (this: { clientSecret?: string }, actual: string) {
      return secretMatches(this.clientSecret, actual);
    };
    // Seed 002's own implicit example redirects to http://localhost:8080/oauth2/callback: allow http and
    // localhost redirect URIs for implicit clients too (oidc-provider's recipe for it: skip these two checks).
    type Schema = { invalidate: (this: unknown, message: string, code?: string) => void };
    const schema = (provider.Client as unknown as { Schema: { prototype: Schema } }).Schema.prototype;
    const { invalidate } = schema;
    schema.invalidate = function (this: unknown, message: string, code?: string) {
      if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
      invalidate.call(this, message, code);
    };
    this.grants.register(provider);
    const { bodyMaxDepth, bodyMaxKeys, bodyLimit, retryAfterSeconds } = this.config.http;
    guardOAuthProvider(provider, {
      maxDepth: bodyMaxDepth,
      maxKeys: bodyMaxKeys,
      bodyLimitBytes: sizeInBytes(bodyLimit),
      retryAfterSeconds,
    });
    provider.use(securityHeaders);
    provider.use((ctx, next) => oidcRequestShim(ctx as KoaContextWithOIDC, next));
    provider.use((ctx, next) => discoveryDocument(ctx as KoaContextWithOIDC, next));
    provider.use((ctx, next) => this.authorizationResponses(provider, ctx as KoaContextWithOIDC, next));
    provider.on('server_error', (_ctx, err) => this.logger.error({ err }, 'OAuth provider error'));
    this.instance = provider;
    this.koa = provider.callback();
  }

  /** Collects the Nest routes below MOUNT, which keep going through Express. */
  onApplicationBootstrap(): void {
    const join = (...parts: string[]) => `/${parts.join('/')}`.replace(/\/+/g, '/');
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!wrapper.metatype || !instance || Reflect.getMetadata(SERVED_BY_PROVIDER, wrapper.metatype)) continue;
      const bases = [Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '/'].flat() as string[];
      for (const name of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const handler = instance[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const routes = [Reflect.getMetadata(PATH_METADATA, handler) ?? '/'].flat() as string[];
        for (const path of bases.flatMap((b) => routes.map((r) => join(b, r)))) {
          if (!path.startsWith(`${MOUNT}/`)) continue;
          const segment = path.slice(MOUNT.length + 1).split('/')[0];
          if (segment.startsWith(':') || segment === '*')
            throw new Error(`a Nest route may not capture every path below ${MOUNT}: ${path}`);
          this.nestSegments.add(segment);
        }
      }
    }
  }

  private ownedByProvider(url: string): boolean {
    if (url === RFC8414_METADATA || url.startsWith(`${RFC8414_METADATA}?`)) return true;
    if (!url.startsWith(`${MOUNT}/`)) return false;
    const segment = /^[^/?#]*/.exec(url.slice(MOUNT.length + 1))![0];
    return !this.nestSegments.has(segment);
  }

  /**
   * The provider's routes are handed the request before Express: its Koa stack does its own body parsing,
   * CORS and caching headers, and the Express middleware (logging, helmet, parsers) would only cost time on
   * the token endpoint (0.4 -> 0.8+ of a bare provider's grants/s). Nest routes below /oauth2 go the usual way.
   */
  private dispatchBeforeExpress(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const express = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
      let url = req.url ?? '/';
      if (this.ownedByProvider(url)) {
        // RFC 8414 metadata is the discovery document (a superset of it).
        if (url.startsWith(RFC8414_METADATA)) url = `${MOUNT}/.well-known/openid-configuration${url.slice(RFC8414_METADATA.length)}`;
        req.originalUrl = url; // the provider derives its mount path from it
        req.url = url.slice(MOUNT.length) || '/';
        void this.koa!(req, res);
        return;
      }
      for (const listener of express) listener.call(server, req, res);
    });
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  private async purge(): Promise<void> {
    await this.models.purgeExpired();
    await this.logins.purge(BROWSER_SESSION_TTL);
  }

  /**
   * Runs around every provider request; after the authorization endpoint (or its resume after the login
   * page) it links the browser session to the session the login page opened, and reshapes the redirect:
   * implicit and hybrid fragments get the access token and `session` (seed 002), and access_denied gets the
   * seed's `code=403`. After a confirmed logout it closes that session.
   */
  private async authorizationResponses(provider: Provider, ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next();
    const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] | undefined;
    const route = oidc?.route;
    if (!oidc || !route) return;
    if (route === 'end_session_confirm') {
      if (ctx.status === 303 && oidc.session?.uid) await this.logins.close(oidc.session.uid);
      return;
    }
    if (route !== 'authorization' && route !== 'resume') return;
    const sessionId = (oidc.result as PlatformResult | undefined)?.platform?.sessionId;
    if (route === 'resume' && sessionId && oidc.session?.uid) await this.logins.link(oidc.session.uid, sessionId);
    const location = ctx.response.get('location');
    const redirectUri = oidc.params?.redirect_uri as string | undefined;
    if (!location || !redirectUri || !location.startsWith(redirectUri)) return;
    const url = new URL(location);
    const inFragment = url.hash.length > 1;
    const params = new URLSearchParams(inFragment ? url.hash.slice(1) : url.search);
    const mode = oidc.params?.[REDIRECT_RESPONSE] as string | undefined;
    let out = params;
    if (params.get('error') === ACCESS_DENIED) {
      out = new URLSearchParams([['code', '403'], ...params]);
    } else if (mode && params.get('code')) {
      const code = params.get('code')!;
      out = new URLSearchParams();
      try {
        const t = await this.grants.redirectToken(provider, code, mode === 'token');
        if (mode === 'code token') out.set('code', code);
        out.set('token_type', t.token_type);
        out.set('expires_in', String(t.expires_in));
        out.set('session', t.session);
        out.set('access_token', t.access_token);
      } catch (err) {
        if (!(err instanceof errors.OIDCProviderError)) throw err;
        const e = err;
        out.set('error', e.error);
        out.set('error_description', e.error_description ?? e.message);
      }
      for (const k of ['state', 'iss']) if (params.has(k)) out.set(k, params.get(k)!);
    } else {
      return;
    }
    if (inFragment) url.hash = out.toString();
    else url.search = out.toString();
    const status = ctx.status;
    ctx.redirect(url.href);
    ctx.status = status;
  }

  private configuration(): Configuration {
    const { audience, accessTokenTtl, issuer } = this.config.auth;
    const basePath = new URL(issuer).pathname.replace(/\/$/, '');
    const policy = interactionPolicy.base();
    // A browser whose session was signed out through the API (or ended by a reused refresh token) signs in again.
    policy.get('login')!.checks.add(
      new interactionPolicy.Check('platform_session_closed', 'the session has ended', async (ctx) => {
        const { oidc } = ctx;
        if (!oidc.session?.accountId || oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        return (await this.logins.openSession(oidc.session.uid))
          ? interactionPolicy.Check.NO_NEED_TO_PROMPT
          : interactionPolicy.Check.REQUEST_PROMPT;
      }),
    );
    return {
      adapter: postgresAdapter(this.models, this.clients),
      jwks: { keys: this.keys.privateAccessJwks() },
      cookies: { keys: this.keys.derivedSecrets('oidc-cookies') },
      // OpenID Connect Core 15.1: RS256 unless the client registered ES256.
      clientDefaults: { id_token_signed_response_alg: 'RS256' },
      clientAuthMethods: CLIENT_AUTH_METHODS as Configuration['clientAuthMethods'],
      enabledJWA: {
        idTokenSigningAlgValues: SIGNING_ALGS as never,
        requestObjectSigningAlgValues: SIGNING_ALGS as never,
        clientAuthSigningAlgValues: SIGNING_ALGS as never,
      },
      // The id token carries the claims of its scopes (seed 002's flows read the profile from it).
      conformIdTokenClaims: false,
      extraClientMetadata: {
        properties: [
          'platform_response_types',
          'platform_default_scope',
          'platform_client_credentials_refresh',
          'platform_service_user_id',
          'first_party',
        ],
      },
      routes: {
        authorization: '/authorize',
        token: '/token',
        jwks: '/jwks',
        userinfo: '/userinfo',
        introspection: '/introspect',
        revocation: '/revoke',
        end_session: '/logout',
      },
      responseTypes: PROVIDER_RESPONSE_TYPES as Configuration['responseTypes'],
      scopes: ['openid', 'profile', 'email', 'phone', 'offline_access', 'api'],
      extraParams: {
        // Seed 002: access_type=offline asks for a refresh token (offline_access), online (the default) not.
        access_type: (ctx, value, client) => {
          if (value === undefined) return;
          if (value !== 'online' && value !== 'offline') throw new errors.InvalidRequest('access_type must be online or offline');
          const scopes = new Set(((ctx.oidc.params?.scope as string | undefined) ?? '').split(' ').filter(Boolean));
          const clientMay =
            client.grantTypeAllowed('refresh_token') && (!client.scope || client.scope.split(' ').includes('offline_access'));
          if (value === 'offline' && clientMay && ctx.oidc.params?.[REDIRECT_RESPONSE] !== 'token') scopes.add('offline_access');
          else scopes.delete('offline_access');
          ctx.oidc.params!.scope = [...scopes].join(' ');
        },
        // Set by the request shim only: the response type the client asked for, when it was not `code`.
        [REDIRECT_RESPONSE]: (ctx, value, client) => {
          // Tokens travel in the fragment only (a POSTed authorization request could ask otherwise).
          if (value !== undefined && ctx.oidc.params?.response_mode !== 'fragment')
            throw new errors.InvalidRequest('response_mode must be fragment');
          const asked = value ?? (ctx.oidc.params?.response_type as string | undefined);
          const allowed = platformOf(client).platform_response_types ?? [];
          if (asked && !allowed.includes(asked))
            throw new errors.UnauthorizedClient(`response_type "${asked}" is not allowed for this client`);
        },
      },
      pkce: {
        // Public clients must use PKCE, except for `token`, whose code never leaves the server.
        required: (ctx, client) => client.clientAuthMethod === 'none' && ctx.oidc.params?.[REDIRECT_RESPONSE] !== 'token',
      },
      interactions: {
        policy,
        url: (_ctx, interaction) => `${basePath}/interaction/${interaction.uid}`,
      },
      features: {
        devInteractions: { enabled: false },
        // client_credentials is ours (OAuthGrantsService: the service account's session).
        clientCredentials: { enabled: false },
        claimsParameter: { enabled: true },
        // Our grants issue bearer tokens only: DPoP-bound ones would not be honoured, so it is not offered.
        dPoP: { enabled: false },
        introspection: { enabled: true },
        revocation: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx, form) => {
            ctx.body = logoutPage(form, ctx.acceptsLanguages('ru', 'en') === 'en' ? 'en' : 'ru');
          },
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource) => {
            if (resource !== audience) throw new errors.InvalidTarget('unknown resource');
            return {
              audience,
              scope: 'api openid profile email phone',
              accessTokenFormat: 'jwt',
              accessTokenTTL: accessTokenTtl,
              jwt: { sign: { alg: 'ES256' } },
            };
          },
        },
      },
      renderError: async (ctx, out) => {
        ctx.type = 'html';
        ctx.body = errorPage(out.error, out.error_description, ctx.acceptsLanguages('ru', 'en') === 'en' ? 'en' : 'ru');
      },
      ttl: {
        ClientCredentials: CLIENT_CREDENTIALS_TTL,
        AccessToken: accessTokenTtl,
        IdToken: accessTokenTtl,
        AuthorizationCode: AUTHORIZATION_CODE_TTL,
        Interaction: INTERACTION_TTL,
        Session: BROWSER_SESSION_TTL,
        Grant: BROWSER_SESSION_TTL,
      },
      claims: {
        openid: ['sub'],
        profile: ['name', 'family_name', 'given_name', 'middle_name', 'preferred_username'],
        email: ['email', 'email_verified'],
        phone: ['phone_number', 'phone_number_verified'],
      },
      findAccount: async (_ctx, sub) => {
        const claims = await this.accounts.claims(sub);
        return claims ? { accountId: sub, claims: async () => claims as { sub: string } } : undefined;
      },
    };
  }
}
