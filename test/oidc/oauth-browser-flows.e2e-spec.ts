import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/modules/auth/tokens/token.service.js';
import { formOf, type Page, TestBrowser } from '../support/browser.js';
import { ADMIN, IDENTITY_ENV, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'web-secret-0123456789abcdef';
const CB = 'http://127.0.0.1/cb';
const USER = { username: 'olga', password: 'olga-password-1', email: 'olga@example.com' };

/**
 * The browser flows of the authorization server (seed 002: code, implicit, hybrid; login and consent pages),
 * a real relying party (openid-client) on one side and a cookie-keeping HTTP browser on the other.
 */
describe('OAuth browser flows: code + PKCE, consent, implicit, hybrid, logout', () => {
  let t: TestApp;
  let issuer: URL;
  let web: client.Configuration;
  let partnerSecret: string;
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...IDENTITY_ENV,
        AUTH_LOCK_THRESHOLD: '3',
        BOOTSTRAP_CLIENT_ID: 'web',
        BOOTSTRAP_CLIENT_SECRET: SECRET,
        BOOTSTRAP_CLIENT_REDIRECT_URIS: CB,
      },
    });
    issuer = new URL(`${t.baseUrl}/oauth2`);
    web = await client.discovery(issuer, 'web', SECRET, client.ClientSecretBasic(SECRET), { execute: [client.allowInsecureRequests] });
    jwks = createRemoteJWKSet(new URL(`${issuer.href}/jwks`));
    const admin = await signIn(t, ADMIN);
    expect((await signedPost(t, admin, '/sign/up', { ...USER, name: { name: 'Olga Ivanova' } })).status).toBe(200);
    const partner = await signedPost(t, admin, '/admin/client/create', {
      client_id: 'partner',
      name: 'Partner <App>',
      redirect_uris: [CB],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    });
    partnerSecret = partner.body.client_secret;
    const spa = await signedPost(t, admin, '/admin/client/create', {
      client_id: 'spa',
      name: 'SPA',
      public: true,
      redirect_uris: [CB],
      grant_types: ['authorization_code', 'implicit'],
      response_types: ['code', 'token', 'code token'],
    });
    expect(spa.status).toBe(200);
  });
  afterAll(() => t.close());

  /** Opens the authorization URL and, when the login page shows, signs in. */
  async function authorize(
    browser: TestBrowser,
    params: Record<string, string>,
    login: { username: string; password: string } | null = USER,
  ): Promise<Page> {
    const page = await browser.get(`/oauth2/authorize?${new URLSearchParams({ client_id: 'web', redirect_uri: CB, ...params })}`);
    if (page.redirect || !login) return page;
    expect(page.status).toBe(200);
    const form = formOf(page);
    return browser.post(form.action, { ...form.fields, login: login.username, password: login.password });
  }

  /** Signs in and, for a third-party client, allows on the consent screen. */
  async function authorizeAndConsent(browser: TestBrowser, params: Record<string, string>): Promise<Page> {
    const page = await authorize(browser, params);
    if (page.redirect) return page;
    expect(page.html).toContain('/confirm');
    const form = formOf(page);
    return browser.post(form.action, form.fields);
  }

  function pkce() {
    const verifier = client.randomPKCECodeVerifier();
    return client.calculatePKCECodeChallenge(verifier).then((challenge) => ({ verifier, challenge }));
  }

  const whoami = (token: string) => t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${token}`);

  it('code + PKCE with the login page: the seed code redirect, tokens bound to a session, a verified id_token; online gives no refresh token', async () => {
    const browser = new TestBrowser(t.baseUrl);
    const { verifier, challenge } = await pkce();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(web, {
      redirect_uri: CB,
      scope: 'openid profile email api',
      response_type: 'code',
      access_type: 'online',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const login = await browser.get(url.href);
    expect(login.status).toBe(200);
    expect(login.html).toContain('name="password"');
    expect(login.html).toContain('name="csrf"');
    const form = formOf(login);
    const done = await browser.post(form.action, { ...form.fields, login: USER.username, password: USER.password });
    expect(done.redirect?.origin + done.redirect!.pathname).toBe(CB);
    expect(done.redirect!.searchParams.get('state')).toBe(state);

    const tokens = await client.authorizationCodeGrant(web, done.redirect!, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, session: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(tokens.refresh_token).toBeUndefined();
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: issuer.href, audience: 'web' });
    expect(payload).toMatchObject({ preferred_username: USER.username, email: USER.email, nonce, sid: tokens.session });
    const me = await whoami(tokens.access_token);
    expect(me.status).toBe(200);
    expect(me.body.session.code).toBe(tokens.session);

    // Signed in already: the next authorization needs no page and lands in the same session.
    const again = await authorize(browser, { response_type: 'code', scope: 'api', ...withPkce(challenge) }, null);
    const second = await client.authorizationCodeGrant(web, again.redirect!, { pkceCodeVerifier: verifier });
    expect(second.session).toBe(tokens.session);
  });

  it('access_type=offline issues a refresh token, which rotates; a reused one revokes the grant', async () => {
    const browser = new TestBrowser(t.baseUrl);
    const { verifier, challenge } = await pkce();
    const done = await authorize(browser, { response_type: 'code', scope: 'api', access_type: 'offline', ...withPkce(challenge) });
    const tokens = await client.authorizationCodeGrant(web, done.redirect!, { pkceCodeVerifier: verifier });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.scope).toContain('offline_access');
    const rotated = await client.refreshTokenGrant(web, tokens.refresh_token!);
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    expect(rotated.session).toBe(tokens.session);
    const reuse = await t.http
      .post('/oauth2/token')
      .auth('web', SECRET)
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(reuse.body.error).toBe('invalid_grant');
    expect((await whoami(rotated.access_token)).status).toBe(401);
  });

  it('a third-party client shows the consent screen (escaped), exchanges with the secret in the body; deny redirects access_denied', async () => {
    const partner = await client.discovery(issuer, 'partner', partnerSecret, client.ClientSecretPost(partnerSecret), {
      execute: [client.allowInsecureRequests],
    });
    const browser = new TestBrowser(t.baseUrl);
    const state = client.randomState();
    const consent = await authorize(browser, { client_id: 'partner', response_type: 'code', scope: 'openid email api', state });
    expect(consent.status).toBe(200);
    expect(consent.html).toContain('Partner &#60;App&#62;');
    expect(consent.html).not.toContain('<App>');
    expect(consent.html).toContain('your email address');
    const allow = formOf(consent);
    const done = await browser.post(allow.action, allow.fields);
    const tokens = await client.authorizationCodeGrant(partner, done.redirect!, { expectedState: state });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ client_id: 'partner', sid: tokens.session });

    const denying = new TestBrowser(t.baseUrl);
    const asked = await authorize(denying, { client_id: 'partner', response_type: 'code', scope: 'openid api', state: 'xyz' });
    const form = formOf(asked);
    const denied = await denying.post(form.action.replace(/\/confirm$/, '/abort'), form.fields);
    expect(denied.redirect!.origin + denied.redirect!.pathname).toBe(CB);
    expect(Object.fromEntries(denied.redirect!.searchParams)).toMatchObject({
      code: '403',
      error: 'access_denied',
      error_description: 'Access denied.',
      state: 'xyz',
    });
  });

  it('login page: wrong password and a locked account show their messages; a form without its CSRF token is refused', async () => {
    const browser = new TestBrowser(t.baseUrl);
    const page = await browser.get(
      `/oauth2/authorize?${new URLSearchParams({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'api' })}`,
    );
    const form = formOf(page);
    const forged = await browser.post(form.action, { login: 'locky', password: 'x' });
    expect(forged.status).toBe(403);
    const admin = await signIn(t, ADMIN);
    await signedPost(t, admin, '/sign/up', { username: 'locky', password: 'locky-password' });
    let last: Page = page;
    for (let i = 0; i < 3; i++) {
      last = await browser.post(form.action, { ...form.fields, login: 'locky', password: 'wrong' });
      expect(last.status).toBe(401);
      expect(last.html).toContain('Sign in failed');
    }
    const locked = await browser.post(form.action, { ...form.fields, login: 'locky', password: 'locky-password' });
    expect(locked.status).toBe(403);
    expect(locked.html).toContain('The account is locked');
    expect(last.redirect).toBeUndefined();
  });

  it('public clients must use PKCE; implicit `token` answers in the fragment with the seed fields', async () => {
    const browser = new TestBrowser(t.baseUrl);
    const noPkce = await authorize(browser, { client_id: 'spa', response_type: 'code', scope: 'api', state: 's1' });
    expect(noPkce.redirect!.searchParams.get('error')).toBe('invalid_request');

    const implicit = await authorizeAndConsent(browser, { client_id: 'spa', response_type: 'token', scope: 'api', state: 'c2FmZXR' });
    expect(implicit.redirect!.search).toBe('');
    const fragment = new URLSearchParams(implicit.redirect!.hash.slice(1));
    expect(Object.fromEntries(fragment)).toMatchObject({
      token_type: 'Bearer',
      expires_in: '3600',
      session: expect.stringMatching(/^[0-9a-f]{40}$/),
      state: 'c2FmZXR',
      access_token: expect.any(String),
    });
    expect(fragment.has('code')).toBe(false);
    expect(fragment.has('refresh_token')).toBe(false);
    expect(fragment.has('id_token')).toBe(false);
    expect((await whoami(fragment.get('access_token')!)).status).toBe(200);

    const notAllowed = await authorize(new TestBrowser(t.baseUrl), { client_id: 'partner', response_type: 'token', scope: 'api' });
    expect(new URLSearchParams(notAllowed.redirect!.hash.slice(1)).get('error')).toBe('unauthorized_client');
  });

  it('hybrid `code token`: code and access token in one redirect; the code redeems into the same session', async () => {
    const browser = new TestBrowser(t.baseUrl);
    const done = await authorize(browser, { response_type: 'code token', scope: 'api', state: 'h1' });
    const fragment = new URLSearchParams(done.redirect!.hash.slice(1));
    expect(Object.fromEntries(fragment)).toMatchObject({
      code: expect.any(String),
      access_token: expect.any(String),
      token_type: 'Bearer',
      session: expect.any(String),
      state: 'h1',
    });
    expect((await whoami(fragment.get('access_token')!)).status).toBe(200);
    const res = await t.http
      .post('/oauth2/token')
      .send({ grant_type: 'authorization_code', client_id: 'web', client_secret: SECRET, code: fragment.get('code'), redirect_uri: CB });
    expect(res.status).toBe(200);
    expect(res.body.session).toBe(fragment.get('session'));
  });

  it('the internal implicit marker cannot be smuggled in: dropped when sent; implicit tokens stay in the fragment', async () => {
    const browser = new TestBrowser(t.baseUrl);
    const { challenge } = await pkce();
    const smuggled = await authorize(browser, {
      response_type: 'code',
      scope: 'api',
      platform_response_type: 'token',
      ...withPkce(challenge),
    });
    expect(smuggled.redirect!.searchParams.get('code')).toEqual(expect.any(String));
    expect(smuggled.redirect!.hash).toBe('');
    const implicitInQuery = await authorize(browser, { response_type: 'token', response_mode: 'query', scope: 'api' }, null);
    expect(implicitInQuery.redirect!.search).toBe('');
    expect(new URLSearchParams(implicitInQuery.redirect!.hash.slice(1)).get('access_token')).toEqual(expect.any(String));
  });

  it('token endpoint errors: wrong redirect_uri, bad verifier, replayed code (which revokes its tokens), all RFC 6749', async () => {
    const browser = new TestBrowser(t.baseUrl);
    const { verifier, challenge } = await pkce();
    const code = async () =>
      (await authorize(browser, { response_type: 'code', scope: 'api', ...withPkce(challenge) }, USER)).redirect!.searchParams.get('code')!;
    const exchange = (body: Record<string, string>) =>
      t.http
        .post('/oauth2/token')
        .auth('web', SECRET)
        .type('form')
        .send({ grant_type: 'authorization_code', redirect_uri: CB, code_verifier: verifier, ...body });

    const wrongUri = await exchange({ code: await code(), redirect_uri: 'http://127.0.0.1/elsewhere' });
    expect(wrongUri.status).toBe(400);
    expect(wrongUri.body.error).toBe('invalid_grant');
    expect((await exchange({ code: await code(), code_verifier: 'x'.repeat(43) })).body.error).toBe('invalid_grant');
    expect((await exchange({})).body.error).toBe('invalid_request');

    const c = await code();
    const first = await exchange({ code: c });
    expect(first.status).toBe(200);
    const replay = await exchange({ code: c });
    expect(replay.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/already used/) });
    expect((await whoami(first.body.access_token)).status).toBe(401);

    const unknownClient = await browser.get(
      `/oauth2/authorize?${new URLSearchParams({ client_id: 'nobody', redirect_uri: CB, response_type: 'code' })}`,
    );
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.html).toContain('invalid_client');
  });

  it('the code of /api/v1/sign/in is redeemable once at the token endpoint (JSON body)', async () => {
    const signed = await signIn(t, { username: USER.username, password: USER.password });
    const body = { grant_type: 'authorization_code', client_id: 'web', client_secret: SECRET, code: signed.code };
    const res = await t.http.post('/oauth2/token').send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', session: signed.session, refresh_token: expect.any(String) });
    expect((await whoami(res.body.access_token)).status).toBe(200);
    expect((await t.http.post('/oauth2/token').send(body)).body.error).toBe('invalid_grant');
  });

  it('password grant with a secret code instead of username and password', async () => {
    const user = await signIn(t, { username: USER.username, password: USER.password });
    const issued = await signedPost(t, user, '/sign/secret', {});
    expect(issued.status).toBe(200);
    const ok = await t.http
      .post('/oauth2/token')
      .auth('web', SECRET)
      .type('form')
      .send({ grant_type: 'password', secret: issued.body.secret, username: 'ignored', scope: 'openid profile api' });
    expect(ok.status).toBe(200);
    expect(decodeJwt(ok.body.id_token)).toMatchObject({ preferred_username: USER.username });
    const bad = await t.http.post('/oauth2/token').auth('web', SECRET).type('form').send({ grant_type: 'password', secret: 'not-a-code' });
    expect(bad.body.error).toBe('invalid_grant');
    const other = await signedPost(t, user, '/sign/secret', { userid: 1 });
    expect(other.status).toBe(403);
  });

  it('userinfo releases the claims of the token scopes; introspection and revocation of access and refresh tokens', async () => {
    const tokens = await client.genericGrantRequest(web, 'password', {
      username: USER.username,
      password: USER.password,
      scope: 'openid email api',
    });
    const info = await client.fetchUserInfo(web, tokens.access_token, client.skipSubjectCheck);
    expect(info).toMatchObject({ sub: expect.any(String), email: USER.email, email_verified: false });
    expect(info.preferred_username).toBeUndefined();

    const active = await client.tokenIntrospection(web, tokens.access_token);
    expect(active).toMatchObject({ active: true, client_id: 'web', scope: 'openid email api', session: tokens.session });
    expect(await client.tokenIntrospection(web, tokens.refresh_token!)).toMatchObject({ active: true, token_type: 'refresh_token' });
    expect(await client.tokenIntrospection(web, 'garbage')).toEqual({ active: false });

    await client.tokenRevocation(web, tokens.refresh_token!);
    expect(await client.tokenIntrospection(web, tokens.refresh_token!)).toEqual({ active: false });
    expect((await whoami(tokens.access_token)).status).toBe(200);
    await client.tokenRevocation(web, tokens.access_token);
    expect((await whoami(tokens.access_token)).status).toBe(401);
    expect(await client.tokenIntrospection(web, tokens.access_token)).toEqual({ active: false });

    const unauth = await t.http.post('/oauth2/introspect').type('form').send({ token: tokens.access_token });
    expect(unauth.status).toBe(401);
    expect(unauth.body.error).toBe('invalid_client');
  });

  it('sign out with close_all, and an expired token (403 Token expired), end what the code flow issued', async () => {
    const browser = new TestBrowser(t.baseUrl);
    const { verifier, challenge } = await pkce();
    const done = await authorize(browser, { response_type: 'code', scope: 'api', ...withPkce(challenge) });
    const tokens = await client.authorizationCodeGrant(web, done.redirect!, { pkceCodeVerifier: verifier });
    const userId = decodeJwt(tokens.access_token).sub!;
    const expired = await t.app.get(TokenService).issueAccessToken({ userId, session: tokens.session as string, ttl: -10 });
    const res = await whoami(expired.token);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 403, message: 'Token expired' } });

    expect(
      (await t.http.post('/api/v1/sign/out').set('Authorization', `Bearer ${tokens.access_token}`).send({ close_all: true })).status,
    ).toBe(200);
    expect((await whoami(tokens.access_token)).status).toBe(401);
    // The browser's sign-in ended with it: the next authorization asks for the password again.
    const again = await browser.get(
      `/oauth2/authorize?${new URLSearchParams({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'api' })}`,
    );
    expect(again.redirect).toBeUndefined();
    expect(again.html).toContain('name="password"');
  });

  it('/oauth2/logout closes the session: its tokens stop working and the browser must sign in again', async () => {
    const browser = new TestBrowser(t.baseUrl);
    const { verifier, challenge } = await pkce();
    const done = await authorize(browser, { response_type: 'code', scope: 'openid api', ...withPkce(challenge) });
    const tokens = await client.authorizationCodeGrant(web, done.redirect!, { pkceCodeVerifier: verifier });
    expect((await whoami(tokens.access_token)).status).toBe(200);

    const url = client.buildEndSessionUrl(web, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: CB, state: 'bye' });
    const confirm = await browser.get(url.href);
    expect(confirm.status).toBe(200);
    const form = formOf(confirm);
    const out = await browser.post(form.action, { ...form.fields, logout: 'yes' });
    expect(out.redirect!.origin + out.redirect!.pathname).toBe(CB);
    expect(out.redirect!.searchParams.get('state')).toBe('bye');
    expect((await whoami(tokens.access_token)).status).toBe(401);
    const again = await browser.get(
      `/oauth2/authorize?${new URLSearchParams({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'api' })}`,
    );
    expect(again.html).toContain('name="password"');
  });
});

function withPkce(challenge: string): Record<string, string> {
  return { code_challenge: challenge, code_challenge_method: 'S256' };
}
