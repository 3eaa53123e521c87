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
    t = await startTestApp({ env: { ...IDENTITY_ENV, BOOTSTRAP_CLIENT_ID: 'svc', BOOTSTRAP_CLIENT_SECRET: SECRET, BOOTSTRAP_CLIENT_REDIRECT_URIS: 'http://127.0.0.1/cb' } });
    issuer = new URL(`${t.baseUrl}/oauth2`);
  });
  afterAll(() => t.close());

  const discover = (auth: client.ClientAuth, secret = SECRET) => client.discovery(issuer, 'svc', secret, auth, { execute: [client.allowInsecureRequests] });

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
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]!.d).toBeUndefined();
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
    expect(header.kid).toBe(jwks.keys[0]!.kid);
    expect(decodeJwt(tokens.access_token)).toMatchObject({ iss: issuer.href, aud: 'urn:platform:api', client_id: 'svc', scope: 'api' });
  });

  it('accepts a JSON body at the token endpoint', async () => {
    const res = await t.http.post('/oauth2/token').send({ grant_type: 'client_credentials', client_id: 'svc', client_secret: SECRET, scope: 'api' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 86_400, scope: 'api' });
  });

  it('a client_credentials token with the signup scope may sign users up; without it, or elsewhere, it may not', async () => {
    const admin = await signIn(t, ADMIN);
    expect((await signedPost(t, admin, '/admin/client/update', { client_id: 'svc', can_sign_up: true })).status).toBe(200);
    const grant = async (clientId: string, secret: string, scope: string) =>
      (await t.http.post('/oauth2/token').auth(clientId, secret).type('form').send({ grant_type: 'client_credentials', scope })).body;
    const { access_token: withSignup } = await grant('svc', SECRET, 'api signup');
    const ok = await t.http.post('/api/v1/sign/up').set('Authorization', `Bearer ${withSignup}`).send({ username: 'fromclient', password: 'client-made-pw' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: null, userid: expect.any(Number) });
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${withSignup}`)).status).toBe(401);

    const { access_token: apiOnly } = await grant('svc', SECRET, 'api');
    expect((await t.http.post('/api/v1/sign/up').set('Authorization', `Bearer ${apiOnly}`).send({ username: 'nope', password: 'client-made-pw' })).status).toBe(403);

    const other = await signedPost(t, admin, '/admin/client/create', { client_id: 'plain', name: 'Plain', grant_types: ['client_credentials'], response_types: [] });
    const refused = await t.http.post('/oauth2/token').auth('plain', other.body.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'signup' });
    expect(refused.body.error).toBe('invalid_scope');
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
