import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, IDENTITY_ENV, signedPost, signIn, type Signed } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('OAuth client administration', () => {
  let t: TestApp;
  let admin: Signed;
  const post = (path: string, body: unknown = {}) => signedPost(t, admin, `/admin/client${path}`, body);

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...IDENTITY_ENV,
        BOOTSTRAP_CLIENT_ID: 'web-app',
        BOOTSTRAP_CLIENT_SECRET: 'bootstrap-secret-0123456789',
        BOOTSTRAP_CLIENT_REDIRECT_URIS: 'http://localhost:3000/cb, https://app.example/cb',
      },
    });
    admin = await signIn(t, ADMIN);
  });
  afterAll(() => t.close());

  it('the bootstrap client exists with every grant and response type, first-party, its secret hashed', async () => {
    const res = await post('/get', { client_id: 'web-app' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      client_id: 'web-app',
      public: false,
      first_party: true,
      redirect_uris: ['http://localhost:3000/cb', 'https://app.example/cb'],
      grant_types: ['authorization_code', 'implicit', 'refresh_token', 'password', 'client_credentials'],
      response_types: ['code', 'token', 'code token', 'id_token', 'code id_token'],
      // Out of the box it may sign users up (seed 002: the authorization server calls sign/up), and a request
      // without scope gets the API.
      can_sign_up: true,
      default_scope: 'api',
      id_token_signed_response_alg: 'RS256',
      client_credentials_refresh: true,
    });
    expect(res.body.client_secret).toBeUndefined();
    const [row] = await t.app.get(DataSource).query(`SELECT secret_hash FROM oauth_client WHERE client_id = 'web-app'`);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.secret_hash).not.toContain('bootstrap-secret');
  });

  it('a bootstrap client without redirect URIs gets only the grants that need none', async () => {
    const other = await startTestApp({
      env: { ...IDENTITY_ENV, BOOTSTRAP_CLIENT_ID: 'backend', BOOTSTRAP_CLIENT_SECRET: 'bootstrap-secret-0123456789' },
    });
    try {
      const res = await signedPost(other, await signIn(other, ADMIN), '/admin/client/get', { client_id: 'backend' });
      expect(res.body).toMatchObject({
        grant_types: ['refresh_token', 'password', 'client_credentials'],
        response_types: [],
        redirect_uris: [],
      });
    } finally {
      await other.close();
    }
  });

  it('create shows the secret once; list and get never do', async () => {
    const created = await post('/create', {
      client_id: 'svc',
      name: 'Service',
      grant_types: ['client_credentials'],
      response_types: [],
      can_sign_up: true,
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      client_id: 'svc',
      public: false,
      can_sign_up: true,
      scope: 'openid profile email offline_access api',
    });
    expect(created.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = await post('/list');
    expect(list.body.map((c: { client_id: string }) => c.client_id)).toEqual(['svc', 'web-app']);
    expect(JSON.stringify(list.body)).not.toContain(created.body.client_secret);
    expect(
      (await post('/create', { client_id: 'svc', name: 'again', grant_types: ['client_credentials'], response_types: [] })).status,
    ).toBe(409);
  });

  it('update changes only the given fields; rotate gives a new secret; delete removes', async () => {
    const updated = await post('/update', { client_id: 'svc', name: 'Renamed', first_party: true });
    expect(updated.body).toMatchObject({ name: 'Renamed', first_party: true, can_sign_up: true, grant_types: ['client_credentials'] });
    const [before] = await t.app.get(DataSource).query(`SELECT secret_hash FROM oauth_client WHERE client_id = 'svc'`);
    const rotated = await post('/secret', { client_id: 'svc' });
    expect(rotated.body).toEqual({ client_id: 'svc', client_secret: expect.any(String) });
    const [after] = await t.app.get(DataSource).query(`SELECT secret_hash FROM oauth_client WHERE client_id = 'svc'`);
    expect(after.secret_hash).not.toBe(before.secret_hash);
    expect((await post('/delete', { client_id: 'svc' })).body).toEqual({ deleted: true });
    expect((await post('/get', { client_id: 'svc' })).status).toBe(404);
  });

  it('refuses inconsistent or malformed clients, writing nothing', async () => {
    for (const body of [
      { name: 'x', grant_types: ['client_credentials'], response_types: [], public: true },
      { name: 'x', grant_types: ['authorization_code'], response_types: ['code'] },
      { name: 'x', grant_types: ['client_credentials'], response_types: ['token'] },
      { name: 'x', redirect_uris: ['javascript:alert(1)'] },
      { name: 'x', grant_types: ['magic'] },
      { name: 'x', scope: 'openid "quoted"' },
      { client_id: 'bad id!', name: 'x' },
      { name: 'x', unknown: 1 },
    ]) {
      const res = await post('/create', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await post('/list')).body).toHaveLength(1);
    expect((await post('/secret', { client_id: 'nope' })).status).toBe(404);
  });

  it('is for administrators only', async () => {
    await signedPost(t, admin, '/sign/up', { username: 'plain', password: 'plain-password' });
    const user = await signIn(t, { username: 'plain', password: 'plain-password' });
    expect((await signedPost(t, user, '/admin/client/list')).status).toBe(403);
    expect((await t.http.post('/api/v1/admin/client/list')).status).toBe(401);
  });
});
