import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, HttpAdapterHost, MetadataScanner } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import Provider, { type Configuration, errors, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { DataSource } from 'typeorm';
import { ContractRegistry } from '../../common/errors/contract-registry.js';
import { sizeInBytes } from '../../common/http/body-parsers.js';
import { guardOAuthProvider } from '../../common/http/oauth-guard.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AccountsService } from '../auth/accounts.service.js';
import { SigningKeysService } from '../auth/tokens/signing-keys.service.js';
import { logoutPage, errorPage, PAGE_CSP } from './interaction-pages.js';
import { OAuthClientsService, SIGNUP_SCOPE } from './oauth-clients.service.js';
import { OAuthGrantsService } from './oauth-grants.service.js';
import { OAuthLoginsService } from './oauth-logins.service.js';
import { postgresAdapter, purgeExpired } from './oidc.adapter.js';
import { REDIRECT_RESPONSE, oidcRequestShim } from './oidc-request.shim.js';

const PURGE_EVERY_MS = 60_000;
/** Seed 002: a client-credentials token lives one day. */
const CLIENT_CREDENTIALS_TTL = 86_400;
/** How long a browser stays signed in at the authorization server (the provider's session cookie). */
const BROWSER_SESSION_TTL = 14 * 86_400;
/** A login page may stay open this long. */
const INTERACTION_TTL = 3_600;
/** RFC 6749 4.1.2: codes are short-lived (ten minutes at most). */
const AUTHORIZATION_CODE_TTL = 60;
const ACCESS_DENIED = 'access_denied';
/** Where the provider is mounted (Nest controllers may serve paths below it too: see nestSegments). */
const MOUNT = '/oauth2';

/** What helmet gives the Express routes, for the provider's responses (its pages included). */
async function securityHeaders(ctx: { set(field: string, value: string): void }, next: () => Promise<unknown>): Promise<void> {
  await next();
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Content-Security-Policy', PAGE_CSP);
}

type PlatformClient = { platform_response_types?: string[]; first_party?: boolean };
type PlatformResult = { platform?: { sessionId?: string } };

/**
 * oidc-provider 9 serving /oauth2 (handed its requests at the HTTP server, before Express), issuer OIDC_ISSUER, signing with the
 * identity module's keys (so /oauth2/jwks is the same key set the API guard trusts), storing everything in
 * PostgreSQL. What it does itself: discovery, the authorization endpoint with its browser session,
 * interactions, consent grants and PKCE; client_credentials; end_session. What is ours:
 * - the password, authorization_code and refresh_token grants (OAuthGrantsService: tokens bound to our
 *   sessions through the identity TokenService);
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

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly keys: SigningKeysService,
    private readonly clients: OAuthClientsService,
    private readonly grants: OAuthGrantsService,
    private readonly logins: OAuthLoginsService,
    private readonly accounts: AccountsService,
    private readonly contracts: ContractRegistry,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The provider, for the interaction pages. */
  get provider(): Provider {
    if (!this.instance) throw new Error('the OAuth provider is not started');
    return this.instance;
  }

  async onModuleInit(): Promise<void> {
    const provider = new Provider(this.config.auth.issuer, await this.configuration());
    provider.proxy = this.config.http.trustProxy;
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
    provider.use((ctx, next) => this.authorizationResponses(provider, ctx as KoaContextWithOIDC, next));
    provider.on('server_error', (_ctx, err) => this.logger.error({ err }, 'OAuth provider error'));
    this.instance = provider;
    this.dispatchBeforeExpress(provider);
    this.contracts.register(MOUNT, 'oauth');
    this.purgeTimer = setInterval(() => void this.purge().catch(() => {}), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  /** Collects the Nest routes below MOUNT, which keep going through Express. */
  onApplicationBootstrap(): void {
    const join = (...parts: string[]) => `/${parts.join('/')}`.replace(/\/+/g, '/');
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!wrapper.metatype || !instance) continue;
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
    if (!url.startsWith(`${MOUNT}/`)) return false;
    const segment = /^[^/?#]*/.exec(url.slice(MOUNT.length + 1))![0];
    return !this.nestSegments.has(segment);
  }

  /**
   * The provider's routes are handed the request before Express: its Koa stack does its own body parsing,
   * CORS and caching headers, and the Express middleware (logging, helmet, parsers) would only cost time on
   * the token endpoint (0.4 -> 0.8+ of a bare provider's grants/s). Nest routes below /oauth2 go the usual way.
   */
  private dispatchBeforeExpress(provider: Provider): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const express = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    const koa = provider.callback();
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
      const url = req.url ?? '/';
      if (this.ownedByProvider(url)) {
        req.originalUrl = url; // the provider derives its mount path from it
        req.url = url.slice(MOUNT.length) || '/';
        void koa(req, res);
        return;
      }
      for (const listener of express) listener.call(server, req, res);
    });
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  private async purge(): Promise<void> {
    await purgeExpired(this.ds);
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

  private async configuration(): Promise<Configuration> {
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
      adapter: postgresAdapter(this.ds, this.clients),
      jwks: { keys: await this.keys.privateAccessJwks() },
      cookies: { keys: [this.keys.derivedSecret('oidc-cookies')] },
      // The signing keys are ES256 (the API's access-token keys).
      clientDefaults: { id_token_signed_response_alg: 'ES256' },
      extraClientMetadata: { properties: ['platform_response_types', 'first_party'] },
      routes: {
        authorization: '/authorize',
        token: '/token',
        jwks: '/jwks',
        userinfo: '/userinfo',
        introspection: '/introspect',
        revocation: '/revoke',
        end_session: '/logout',
      },
      responseTypes: ['code'],
      scopes: ['openid', 'profile', 'email', 'phone', 'offline_access', 'api', SIGNUP_SCOPE],
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
          const allowed = (client as unknown as PlatformClient).platform_response_types ?? [];
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
        clientCredentials: { enabled: true },
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
              scope: `api openid profile email phone ${SIGNUP_SCOPE}`,
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
