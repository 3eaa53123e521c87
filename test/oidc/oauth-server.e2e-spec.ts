import * as client from 'openid-client';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, IDENTITY_ENV, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'service-secret-0123456789abcdef';

/** The authorization server, driven by openid-client as a real relying party. */
describe('OAuth 2.0 / OpenID Connect server under /oauth2', () => {
  let t: TestApp;
  let issuer: URL;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...IDENTITY_ENV,
        BOOTSTRAP_CLIENT_ID: 'svc',
        BOOTSTRAP_CLIENT_SECRET: SECRET,
        BOOTSTRAP_CLIENT_REDIRECT_URIS: 'http://127.0.0.1/cb',
      },
    });
    issuer = new URL(`${t.baseUrl}/oauth2`);
  });
  afterAll(() => t.close());

  const discover = (auth: client.ClientAuth, secret = SECRET) =>
    client.discovery(issuer, 'svc', secret, auth, { execute: [client.allowInsecureRequests] });

  it('publishes discovery with the seed routes, and the JWKS of the API keys', async () => {
    const config = await discover(client.ClientSecretBasic(SECRET));
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(issuer.href);
    expect(meta.token_endpoint).toBe(`${issuer.href}/token`);
    expect(meta.authorization_endpoint).toBe(`${issuer.href}/authorize`);
    expect(meta.jwks_uri).toBe(`${issuer.href}/jwks`);
    expect(meta.introspection_endpoint).toBe(`${issuer.href}/introspect`);
    expect(meta.revocation_endpoint).toBe(`${issuer.href}/revoke`);
    expect(meta.grant_types_supported).toContain('client_credentials');
    const jwks = (await (await fetch(`${issuer.href}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((k) => `${k.kty} ${k.alg} ${k.use}`).sort()).toEqual(['EC ES256 sig', 'RSA RS256 sig']);
    for (const key of jwks.keys) expect(key.d).toBeUndefined();
  });

  it.each([
    ['HTTP Basic', () => client.ClientSecretBasic(SECRET)],
    ['the request body', () => client.ClientSecretPost(SECRET)],
  ])('client_credentials with the secret in %s: a JWT access token for a day, signed by the API key', async (_how, auth) => {
    const config = await discover(auth());
    const tokens = await client.clientCredentialsGrant(config, { scope: 'api' });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(86_400);
    const header = decodeProtectedHeader(tokens.access_token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const jwks = (await (await fetch(`${issuer.href}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(header.kid).toBe(jwks.keys.find((k) => k.alg === 'ES256')!.kid);
    expect(decodeJwt(tokens.access_token)).toMatchObject({ iss: issuer.href, aud: 'urn:platform:api', client_id: 'svc', scope: 'api' });
  });

  it('accepts a JSON body at the token endpoint', async () => {
    const res = await t.http
      .post('/oauth2/token')
      .send({ grant_type: 'client_credentials', client_id: 'svc', client_secret: SECRET, scope: 'api' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 86_400, scope: 'api' });
  });

  it('client_credentials carries the service account: whoami works; sign-up is the account-creating right (the bootstrap client has it)', async () => {
    const admin = await signIn(t, ADMIN);
    const grant = async (clientId: string, secret: string, scope = 'api') =>
      (await t.http.post('/oauth2/token').auth(clientId, secret).type('form').send({ grant_type: 'client_credentials', scope })).body;
    const svc = await grant('svc', SECRET);
    expect(svc).toMatchObject({ session: expect.stringMatching(/^[0-9a-f]{40}$/), refresh_token: expect.any(String) });
    const me = await t.http.get('/api/v1/whoami').set('Authorization', `Bearer ${svc.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ admin: false, profile: { username: 'svc:svc', system: 'yes' }, session: { code: svc.session } });
    // One session per client, reused by the next grant.
    expect((await grant('svc', SECRET)).session).toBe(svc.session);
    const ok = await t.http
      .post('/api/v1/sign/up')
      .set('Authorization', `Bearer ${svc.access_token}`)
      .send({ username: 'fromclient', password: 'client-made-pw' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: expect.any(Number), userid: expect.any(Number) });

    const other = await signedPost(t, admin, '/admin/client/create', {
      client_id: 'plain',
      name: 'Plain',
      grant_types: ['client_credentials'],
      response_types: [],
    });
    expect(other.body.can_sign_up).toBe(false);
    const plain = await grant('plain', other.body.client_secret);
    const signUp = () =>
      t.http
        .post('/api/v1/sign/up')
        .set('Authorization', `Bearer ${plain.access_token}`)
        .send({ username: 'nope', password: 'client-made-pw' });
    expect((await signUp()).status).toBe(403);
    expect((await signedPost(t, admin, '/admin/client/update', { client_id: 'plain', can_sign_up: true })).body.can_sign_up).toBe(true);
    // The right is the service account's group: the next look-up of the session sees it.
    await t.http.post('/api/v1/sign/out').set('Authorization', `Bearer ${plain.access_token}`).send({});
    const again = await grant('plain', other.body.client_secret);
    expect(
      (
        await t.http
          .post('/api/v1/sign/up')
          .set('Authorization', `Bearer ${again.access_token}`)
          .send({ username: 'yes', password: 'client-made-pw' })
      ).status,
    ).toBe(200);
  });

  it('answers RFC 6749 errors: wrong secret, unknown client, unsupported grant, missing grant', async () => {
    const wrong = await t.http.post('/oauth2/token').auth('svc', 'wrong-secret').type('form').send({ grant_type: 'client_credentials' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    const unknown = await t.http.post('/oauth2/token').auth('nobody', SECRET).type('form').send({ grant_type: 'client_credentials' });
    expect(unknown.body.error).toBe('invalid_client');
    const unsupported = await t.http.post('/oauth2/token').auth('svc', SECRET).type('form').send({ grant_type: 'urn:made:up' });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toBe('unsupported_grant_type');
    const missing = await t.http.post('/oauth2/token').auth('svc', SECRET).type('form').send({});
    expect(missing.body.error).toBe('invalid_request');
  });
});

describe('password and refresh_token grants', () => {
  let t: TestApp;
  let issuer: URL;
  let config: client.Configuration;
  beforeAll(async () => {
    t = await startTestApp({
      env: { ...IDENTITY_ENV, AUTH_LOCK_THRESHOLD: '3', BOOTSTRAP_CLIENT_ID: 'web', BOOTSTRAP_CLIENT_SECRET: SECRET },
    });
    issuer = new URL(`${t.baseUrl}/oauth2`);
    config = await client.discovery(issuer, 'web', SECRET, client.ClientSecretBasic(SECRET), { execute: [client.allowInsecureRequests] });
  });
  afterAll(() => t.close());

  const password = (params: Record<string, string>) => client.genericGrantRequest(config, 'password', params);

  it('username + password: access (works on the API), refresh and a verified id_token, and the session', async () => {
    const tokens = await password({ username: ADMIN.username, password: ADMIN.password, scope: 'openid profile email api' });
    expect(tokens).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      session: expect.stringMatching(/^[0-9a-f]{40}$/),
      refresh_token: expect.any(String),
    });
    expect(tokens.claims()).toMatchObject({ sub: expect.any(String), preferred_username: ADMIN.username, sid: tokens.session });
    const whoami = await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(whoami.status).toBe(200);
    expect(whoami.body.session.code).toBe(tokens.session);
  });

  it('accepts JSON bodies; without openid/profile/email there is no id_token', async () => {
    const res = await t.http.post('/oauth2/token').send({
      grant_type: 'password',
      client_id: 'web',
      client_secret: SECRET,
      username: ADMIN.username,
      password: ADMIN.password,
      scope: 'api',
    });
    expect(res.status).toBe(200);
    expect(res.body.id_token).toBeUndefined();
    expect(res.body.refresh_token).toEqual(expect.any(String));
  });

  it('wrong password: invalid_grant, counted toward the lockout', async () => {
    await signedPost(t, await signIn(t, ADMIN), '/sign/up', { username: 'grantee', password: 'grantee-password' });
    for (let i = 0; i < 3; i++) {
      const res = await t.http
        .post('/oauth2/token')
        .auth('web', SECRET)
        .type('form')
        .send({ grant_type: 'password', username: 'grantee', password: 'bad' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    }
    const locked = await t.http
      .post('/oauth2/token')
      .auth('web', SECRET)
      .type('form')
      .send({ grant_type: 'password', username: 'grantee', password: 'grantee-password' });
    expect(locked.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/locked/) });
  });

  it('refresh rotates; reusing a rotated refresh token revokes the grant and closes the session', async () => {
    const first = await password({ username: ADMIN.username, password: ADMIN.password, scope: 'api' });
    const second = await client.refreshTokenGrant(config, first.refresh_token!);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.session).toBe(first.session);
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${second.access_token}`)).status).toBe(200);

    const reuse = await t.http
      .post('/oauth2/token')
      .auth('web', SECRET)
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(reuse.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/reused/) });
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${second.access_token}`)).status).toBe(401);
    const afterRevoke = await t.http
      .post('/oauth2/token')
      .auth('web', SECRET)
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: second.refresh_token });
    expect(afterRevoke.body.error).toBe('invalid_grant');
  });

  it('sign out closes the session for refresh too', async () => {
    const tokens = await password({ username: ADMIN.username, password: ADMIN.password, scope: 'api' });
    await t.http.post('/api/v1/sign/out').set('Authorization', `Bearer ${tokens.access_token}`).send({});
    const res = await t.http
      .post('/oauth2/token')
      .auth('web', SECRET)
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(res.body.error).toBe('invalid_grant');
  });
});
