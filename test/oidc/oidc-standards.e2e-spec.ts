import { exportJWK, generateKeyPair, decodeProtectedHeader, decodeJwt } from 'jose';
import * as client from 'openid-client';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formOf, type Page, TestBrowser } from '../support/browser.js';
import { ADMIN, IDENTITY_ENV, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'web-secret-0123456789abcdef';
const CB = 'http://127.0.0.1/cb';
const USER = { username: 'vera', password: 'vera-password-1', email: 'vera@example.com' };

/**
 * The OpenID Connect and OAuth standards the server advertises, driven by openid-client as an unmodified relying
 * party reading the discovery document: discovery and RFC 8414 metadata, code + PKCE with max_age, the claims
 * parameter, implicit (`id_token`) and hybrid (`code id_token`), RS256 by default and ES256 per client, key
 * rotation, PAR with the real secret, one client-secret check at every endpoint, scopes, RFC 6750 challenges.
 */
describe('OpenID Connect and OAuth as any relying party expects', () => {
  let t: TestApp;
  let ds: DataSource;
  let issuer: URL;
  let web: client.Configuration;
  let storedHash: string;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...IDENTITY_ENV,
        AUTH_LOCK_THRESHOLD: '5',
        BOOTSTRAP_CLIENT_ID: 'web',
        BOOTSTRAP_CLIENT_SECRET: SECRET,
        BOOTSTRAP_CLIENT_REDIRECT_URIS: CB,
        SIGNING_KEYS_RELOAD_SECONDS: '1',
      },
    });
    ds = t.app.get(DataSource);
    issuer = new URL(`${t.baseUrl}/oauth2`);
    web = await client.discovery(issuer, 'web', SECRET, client.ClientSecretBasic(SECRET), { execute: [client.allowInsecureRequests] });
    const admin = await signIn(t, ADMIN);
    expect((await signedPost(t, admin, '/sign/up', { ...USER, name: { name: 'Vera Petrova' } })).status).toBe(200);
    [{ secret_hash: storedHash }] = await ds.query(`SELECT secret_hash FROM oauth_client WHERE client_id = 'web'`);
  });
  afterAll(() => t.close());

  /** Opens the authorization URL in a fresh browser and signs in on the login page. */
  async function signInAt(url: URL, browser = new TestBrowser(t.baseUrl)): Promise<Page> {
    const page = await browser.get(url.href);
    if (page.redirect) return page;
    const form = formOf(page);
    return browser.post(form.action, { ...form.fields, login: USER.username, password: USER.password });
  }

  it('discovery tells the truth, and RFC 8414 metadata is served at the path-inserted well-known URL', async () => {
    const meta = web.serverMetadata();
    expect(meta.response_types_supported).toEqual(expect.arrayContaining(['code', 'token', 'code token', 'id_token', 'code id_token']));
    expect(meta.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'implicit', 'refresh_token', 'password', 'client_credentials']),
    );
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
    expect(meta.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
    expect(meta.pushed_authorization_request_endpoint).toBe(`${issuer.href}/request`);
    expect(meta.dpop_signing_alg_values_supported).toBeUndefined();
    expect(meta.token_endpoint_auth_signing_alg_values_supported).toBeUndefined();
    const rfc8414 = await fetch(`${t.baseUrl}/.well-known/oauth-authorization-server/oauth2`);
    expect(rfc8414.status).toBe(200);
    const oauth = (await rfc8414.json()) as Record<string, unknown>;
    expect(oauth).toEqual(JSON.parse(JSON.stringify(meta)));
    const rp = await client.discovery(issuer, 'web', SECRET, undefined, { algorithm: 'oauth2', execute: [client.allowInsecureRequests] });
    expect(rp.serverMetadata().issuer).toBe(issuer.href);
  });

  it('code + PKCE with max_age: an RS256 id_token (the default) with auth_time, checked by the library', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(web, {
      redirect_uri: CB,
      scope: 'openid email api',
      nonce,
      max_age: '300',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const done = await signInAt(url);
    const tokens = await client.authorizationCodeGrant(web, done.redirect!, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      maxAge: 300,
    });
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('RS256');
    const claims = tokens.claims()!;
    expect(claims.auth_time).toEqual(expect.any(Number));
    expect(Math.abs(claims.auth_time! - Date.now() / 1000)).toBeLessThan(300);
    expect(claims).toMatchObject({ email: USER.email, nonce });
    // Without max_age (or prompt=login, or asking for it) there is no auth_time.
    const again = client.buildAuthorizationUrl(web, {
      redirect_uri: CB,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const plain = await client.authorizationCodeGrant(web, (await signInAt(again)).redirect!, { pkceCodeVerifier: verifier });
    expect(plain.claims()!.auth_time).toBeUndefined();
  });

  it('prompt=login and the claims parameter: auth_time and the claims asked for by name', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(web, {
      redirect_uri: CB,
      scope: 'openid',
      prompt: 'login',
      claims: JSON.stringify({ id_token: { email: { essential: true }, preferred_username: null } }),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const tokens = await client.authorizationCodeGrant(web, (await signInAt(url)).redirect!, { pkceCodeVerifier: verifier });
    expect(tokens.claims()).toMatchObject({ auth_time: expect.any(Number), email: USER.email, preferred_username: USER.username });
    expect(tokens.claims()!.family_name).toBeUndefined();
  });

  it('implicit (`id_token`) and hybrid (`code id_token`), parsed by the library from the advertised metadata', async () => {
    const implicit = await client.discovery(issuer, 'web', SECRET, client.ClientSecretBasic(SECRET), {
      execute: [client.allowInsecureRequests, client.useIdTokenResponseType],
    });
    const nonce = client.randomNonce();
    const state = client.randomState();
    const done = await signInAt(client.buildAuthorizationUrl(implicit, { redirect_uri: CB, scope: 'openid profile', nonce, state }));
    expect(done.redirect!.hash).toContain('id_token=');
    const claims = await client.implicitAuthentication(implicit, done.redirect!, nonce, { expectedState: state });
    expect(claims).toMatchObject({ preferred_username: USER.username, nonce });

    const hybrid = await client.discovery(issuer, 'web', SECRET, client.ClientSecretBasic(SECRET), {
      execute: [client.allowInsecureRequests, client.useCodeIdTokenResponseType],
    });
    const hybridNonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    const back = await signInAt(
      client.buildAuthorizationUrl(hybrid, {
        redirect_uri: CB,
        scope: 'openid api',
        nonce: hybridNonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }),
    );
    const tokens = await client.authorizationCodeGrant(hybrid, back.redirect!, { pkceCodeVerifier: verifier, expectedNonce: hybridNonce });
    expect(tokens).toMatchObject({ token_type: 'bearer', session: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect((await t.http.get('/api/v1/whoami').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(200);
  });

  it('ES256 id tokens for a client that registers them', async () => {
    const admin = await signIn(t, ADMIN);
    const created = await signedPost(t, admin, '/admin/client/create', {
      client_id: 'es-client',
      name: 'ES',
      redirect_uris: [CB],
      grant_types: ['authorization_code', 'password'],
      response_types: ['code'],
      first_party: true,
      id_token_signed_response_alg: 'ES256',
    });
    expect(created.body.id_token_signed_response_alg).toBe('ES256');
    const secret = created.body.client_secret as string;
    const es = await client.discovery(
      issuer,
      'es-client',
      { client_secret: secret, id_token_signed_response_alg: 'ES256' },
      client.ClientSecretPost(secret),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const tokens = await client.genericGrantRequest(es, 'password', { username: USER.username, password: USER.password, scope: 'openid' });
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('ES256');
    expect(tokens.claims()!.sub).toEqual(expect.any(String));
  });

  it('a key rotated in the database (as another instance would) reaches id-token signatures without a restart', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = 'rotated-elsewhere';
    await ds.query(`UPDATE signing_key SET retired = now() WHERE use = 'access' AND alg = 'RS256' AND retired IS NULL`);
    await ds.query(`INSERT INTO signing_key (kid, use, alg, private_jwk, public_jwk) VALUES ($1, 'access', 'RS256', $2, $3)`, [
      kid,
      await exportJWK(privateKey),
      await exportJWK(publicKey),
    ]);
    await vi.waitFor(
      async () => {
        const tokens = await client.genericGrantRequest(web, 'password', {
          username: USER.username,
          password: USER.password,
          scope: 'openid',
        });
        expect(decodeProtectedHeader(tokens.id_token!).kid).toBe(kid); // verified by the library against the JWKS
      },
      { timeout: 10_000, interval: 250 },
    );
    const jwks = (await (await fetch(`${issuer.href}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
  });

  it('PAR with the real secret (Basic and body); the stored hash authenticates at no endpoint', async () => {
    for (const auth of [client.ClientSecretBasic(SECRET), client.ClientSecretPost(SECRET)]) {
      const rp = await client.discovery(issuer, 'web', SECRET, auth, { execute: [client.allowInsecureRequests] });
      const verifier = client.randomPKCECodeVerifier();
      const url = await client.buildAuthorizationUrlWithPAR(rp, {
        redirect_uri: CB,
        scope: 'openid api',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
      const tokens = await client.authorizationCodeGrant(rp, (await signInAt(url)).redirect!, { pkceCodeVerifier: verifier });
      expect(tokens.access_token).toEqual(expect.any(String));
    }
    // The seed's `token` response type may be pushed too.
    const pushed = await t.http
      .post('/oauth2/request')
      .auth('web', SECRET)
      .type('form')
      .send({ client_id: 'web', response_type: 'token', redirect_uri: CB, scope: 'api', state: 'p1' });
    expect(pushed.status).toBe(201);
    const implicit = await signInAt(
      new URL(`${issuer.href}/authorize?client_id=web&request_uri=${encodeURIComponent(pushed.body.request_uri)}`),
    );
    expect(new URLSearchParams(implicit.redirect!.hash.slice(1)).get('access_token')).toEqual(expect.any(String));

    const endpoints: [string, Record<string, string>][] = [
      ['/oauth2/token', { grant_type: 'client_credentials' }],
      ['/oauth2/request', { response_type: 'code', redirect_uri: CB, scope: 'api', client_id: 'web' }],
      ['/oauth2/introspect', { token: 'x' }],
      ['/oauth2/revoke', { token: 'x' }],
    ];
    for (const [path, form] of endpoints) {
      for (const [how, request] of [
        ['Basic', () => t.http.post(path).auth('web', storedHash).type('form').send(form)],
        [
          'body',
          () =>
            t.http
              .post(path)
              .type('form')
              .send({ ...form, client_id: 'web', client_secret: storedHash }),
        ],
      ] as const) {
        const res = await request();
        expect(res.status, `${path} with the stored hash in ${how}`).toBe(401);
        expect(res.body.error, `${path} ${how}`).toBe('invalid_client');
      }
      const ok = await t.http.post(path).auth('web', SECRET).type('form').send(form);
      expect(ok.status, `${path} with the real secret`).toBeLessThan(300);
    }
  });

  it('after a mistyped password the login page still signs in (its form actions are absolute)', async () => {
    const browser = new TestBrowser(t.baseUrl);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(web, {
      redirect_uri: CB,
      scope: 'api',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const page = await browser.get(url.href);
    const wrong = await browser.post(formOf(page).action, { ...formOf(page).fields, login: USER.username, password: 'mistyped' });
    expect(wrong.status).toBe(401);
    const form = formOf(wrong);
    expect(new URL(form.action).pathname).toMatch(/^\/oauth2\/interaction\/[^/]+\/login$/);
    const done = await browser.post(form.action, { ...form.fields, login: USER.username, password: USER.password });
    const tokens = await client.authorizationCodeGrant(web, done.redirect!, { pkceCodeVerifier: verifier });
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('scopes: the API needs `api` (403 insufficient_scope), userinfo `openid`; a request without scope gets the client defaults', async () => {
    const openidOnly = await client.genericGrantRequest(web, 'password', {
      username: USER.username,
      password: USER.password,
      scope: 'openid',
    });
    const refused = await t.http.get('/api/v1/whoami').set('Authorization', `Bearer ${openidOnly.access_token}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe(403);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+", error="insufficient_scope", scope="api"$/);
    expect(await client.fetchUserInfo(web, openidOnly.access_token, client.skipSubjectCheck)).toMatchObject({ sub: expect.any(String) });
    const apiOnly = await client.genericGrantRequest(web, 'password', { username: USER.username, password: USER.password, scope: 'api' });
    const noOpenid = await t.http.get('/oauth2/userinfo').set('Authorization', `Bearer ${apiOnly.access_token}`);
    expect(noOpenid.status).toBe(403);
    expect(noOpenid.body.error).toBe('insufficient_scope');

    // Seed 002's password example names no scope: the first-party client's default, `api`.
    const seed = await t.http
      .post('/oauth2/token')
      .type('form')
      .send(`client_id=web&client_secret=${SECRET}&grant_type=password&username=${USER.username}&password=${USER.password}`);
    expect(seed.status).toBe(200);
    expect(seed.body.scope).toBe('api');
    expect(seed.body.id_token).toBeUndefined();
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${seed.body.access_token}`)).status).toBe(200);

    const admin = await signIn(t, ADMIN);
    const third = await signedPost(t, admin, '/admin/client/create', {
      client_id: 'third',
      name: 'Third party',
      grant_types: ['password'],
      response_types: [],
    });
    expect(third.body.default_scope).toBe('');
    const none = await t.http
      .post('/oauth2/token')
      .auth('third', third.body.client_secret)
      .type('form')
      .send({ grant_type: 'password', username: USER.username, password: USER.password });
    expect(none.body.scope).toBe('');
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${none.body.access_token}`)).status).toBe(403);
  });

  it('401 on a bearer route carries WWW-Authenticate: Bearer error="invalid_token" (RFC 6750 3)', async () => {
    const res = await t.http.get('/oauth2/userinfo').set('Authorization', 'Bearer not-a-token');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+", error="invalid_token"/);
    const bare = await t.http.get('/oauth2/userinfo');
    expect(bare.status).toBe(401);
    expect(bare.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+"$/);
    const api = await t.http.post('/api/v1/whoami').set('Authorization', 'Bearer not-a-token');
    expect(api.status).toBe(401);
    expect(api.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('client_credentials: a refresh token by default (seed 002), switched off per client; an id_token with openid', async () => {
    const cc = await client.clientCredentialsGrant(web, { scope: 'openid profile api' });
    expect(cc).toMatchObject({ session: expect.any(String), refresh_token: expect.any(String), expires_in: 86_400 });
    expect(decodeJwt(cc.id_token!)).toMatchObject({ preferred_username: 'svc:web', sid: cc.session });
    const refreshed = await client.refreshTokenGrant(web, cc.refresh_token!);
    expect(refreshed.session).toBe(cc.session);
    const admin = await signIn(t, ADMIN);
    await signedPost(t, admin, '/admin/client/update', { client_id: 'web', client_credentials_refresh: false });
    const without = await client.clientCredentialsGrant(web, { scope: 'api' });
    expect(without.refresh_token).toBeUndefined();
    await signedPost(t, admin, '/admin/client/update', { client_id: 'web', client_credentials_refresh: true });
  });

  it('the password grant leaves no session when its refresh-token write fails', async () => {
    const sessions = async () =>
      (
        await ds.query(`SELECT count(*)::int AS n FROM session s JOIN app_user u ON u.id = s.user_id WHERE u.username = $1`, [
          USER.username,
        ])
      )[0].n as number;
    const before = await sessions();
    const [{ input_count: countBefore }] = await ds.query(`SELECT input_count FROM app_user WHERE username = $1`, [USER.username]);
    await ds.query(
      `CREATE FUNCTION refuse_refresh_token() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`,
    );
    await ds.query(
      `CREATE TRIGGER refuse_refresh_token BEFORE INSERT ON refresh_token FOR EACH ROW EXECUTE FUNCTION refuse_refresh_token()`,
    );
    try {
      const res = await t.http
        .post('/oauth2/token')
        .auth('web', SECRET)
        .type('form')
        .send({ grant_type: 'password', username: USER.username, password: USER.password, scope: 'api' });
      expect(res.status).toBe(500);
      expect(res.body.error).toBe('server_error');
    } finally {
      await ds.query(`DROP TRIGGER refuse_refresh_token ON refresh_token`);
      await ds.query(`DROP FUNCTION refuse_refresh_token()`);
    }
    expect(await sessions()).toBe(before);
    const [{ input_count: countAfter }] = await ds.query(`SELECT input_count FROM app_user WHERE username = $1`, [USER.username]);
    expect(countAfter).toBe(countBefore);
    // Without the failure the same request opens its session.
    const ok = await t.http
      .post('/oauth2/token')
      .auth('web', SECRET)
      .type('form')
      .send({ grant_type: 'password', username: USER.username, password: USER.password, scope: 'api' });
    expect(ok.status).toBe(200);
    expect(await sessions()).toBe(before + 1);
  });
});
