import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSignature } from '../../src/modules/auth/request-signature.js';
import { SigningKeysService } from '../../src/modules/auth/tokens/signing-keys.service.js';
import { ADMIN, IDENTITY_ENV, signedPost, signIn, type Signed } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CLIENT = { id: 'web', secret: 'web-secret-0123456789abcdef' };
const USER = { username: 'petr', password: 'petr-password-1', email: 'petr@example.com' };

/** Findings of a new user's review of main: each is a request a user sent as written, and what it must answer. */
describe('review findings: forms, dates, passwords, secrets, sessions, scopes', () => {
  let t: TestApp;
  let ds: DataSource;
  let admin: Signed;
  let nonce = 0;

  /** POST /api/v1<path> with a urlencoded body, signed over exactly the bytes sent. */
  const signedForm = (s: Signed, path: string, form: string) => {
    const n = String(Math.max(Date.now() * 1000, ++nonce));
    nonce = Number(n);
    return t.http
      .post(`/api/v1${path}`)
      .set({ Session: s.session, Nonce: n, Signature: requestSignature(s.secret, path, n, form) })
      .type('form')
      .send(form);
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...IDENTITY_ENV,
        BOOTSTRAP_CLIENT_ID: CLIENT.id,
        BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
        BOOTSTRAP_CLIENT_REDIRECT_URIS: 'http://127.0.0.1/cb',
      },
    });
    ds = t.app.get(DataSource);
    admin = await signIn(t, ADMIN);
    expect((await signedPost(t, admin, '/sign/up', { ...USER, name: { name: 'Пётр Петров' } })).status).toBe(200);
  });
  afterAll(() => t.close());

  describe('1-3: form bodies, the date rules, oper_date from a form', () => {
    it('a token request pasted over several lines (whitespace around the pairs) is read as its fields', async () => {
      const signed = await signIn(t, { username: USER.username, password: USER.password });
      const body = `grant_type=authorization_code\n&code=${encodeURIComponent(signed.code)}\r\n&client_id=${CLIENT.id}\n&client_secret=${CLIENT.secret}\n`;
      const res = await t.http.post('/oauth2/token').type('form').send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', session: signed.session });
      // The other way people break lines: after each `&`.
      const again = await signIn(t, { username: USER.username, password: USER.password });
      const trailing = `grant_type=authorization_code&\n  code=${encodeURIComponent(again.code)}&\n  client_id=${CLIENT.id}&\n  client_secret=${CLIENT.secret}`;
      const res2 = await t.http.post('/oauth2/token').type('form').send(trailing);
      expect(res2.status, JSON.stringify(res2.body)).toBe(200);
    });

    it('an API form body pasted over several lines signs in', async () => {
      const res = await t.http.post('/api/v1/sign/in').type('form').send(`username=${USER.username}\n&password=${USER.password}\n`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.session).toMatch(/^[0-9a-f]{40}$/);
    });

    it('list language: timestamps as epoch-millisecond strings, ISO and dd.mm.yyyy hh:mm; dates as YYYY-MM-DD, DD.MM.YYYY, epoch ms', async () => {
      const since = Date.now() - 3_600_000;
      const count = async (search: unknown[]) => {
        const res = await signedPost(t, admin, '/client/count', { search });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.count as number;
      };
      const all = await count([]);
      expect(all).toBeGreaterThan(0);
      const d = new Date(since);
      const pad = (n: number) => String(n).padStart(2, '0');
      const dotted = `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
      for (const value of [String(since), since, new Date(since).toISOString(), dotted])
        expect(await count([{ field: 'created', compare: 'GEQ', value }]), String(value)).toBe(all);
      expect(await count([{ field: 'created', compare: 'LSS', value: String(since) }])).toBe(0);

      const set = await signedPost(t, admin, '/client/set', {
        code: 'born',
        name: { name: 'Родившийся' },
        birthday: Date.UTC(1990, 4, 17),
      });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      for (const value of ['1990-05-17', '17.05.1990', String(Date.UTC(1990, 4, 17)), Date.UTC(1990, 4, 17)])
        expect(await count([{ field: 'birthday', value }]), String(value)).toBe(1);
      const bad = await signedPost(t, admin, '/client/count', { search: [{ field: 'created', value: '31.02.2020' }] });
      expect(bad.status).toBe(400);
    });

    it('session/set/oper_date: an empty or `null` form value returns to now', async () => {
      const s = await signIn(t, { username: USER.username, password: USER.password });
      expect((await signedForm(s, '/session/set/oper_date', 'oper_date=12.08.2020')).body.oper_date).toBe('2020-08-12T00:00:00.000Z');
      for (const form of ['oper_date=', 'oper_date=null']) {
        const res = await signedForm(s, '/session/set/oper_date', form);
        expect(res.status, `${form}: ${JSON.stringify(res.body)}`).toBe(200);
        expect(res.body).toEqual({ oper_date: null });
        await signedForm(s, '/session/set/oper_date', 'oper_date=1597190400000');
      }
      expect((await signedForm(s, '/session/set/oper_date', 'oper_date=soon')).status).toBe(400);
      expect(ds.isInitialized).toBe(true);
    });
  });

  describe('4-6: password and client secret rules, authenticate on an expired session', () => {
    it('PASSWORD_MIN_LENGTH (8): a shorter password is a 400 naming the field, and nothing is written', async () => {
      const before = await ds.query('SELECT count(*)::int AS n FROM app_user');
      const short = await signedPost(t, admin, '/sign/up', { username: 'shorty', password: 'seven77' });
      expect(short.status).toBe(400);
      expect(short.body.error.fields.password[0]).toMatch(/at least 8 characters/);
      expect(await ds.query('SELECT count(*)::int AS n FROM app_user')).toEqual(before);
      expect((await signedPost(t, admin, '/sign/up', { username: 'longer', password: 'eight888' })).status).toBe(200);
      expect((await signIn(t, { username: 'longer', password: 'eight888' })).session).toMatch(/^[0-9a-f]{40}$/);
    });

    it('an administrator may choose a client secret (CLIENT_SECRET_MIN_LENGTH, at most 200), at creation and later', async () => {
      const chosen = 'chosen-secret-0123456789';
      const made = await signedPost(t, admin, '/admin/client/create', {
        client_id: 'chosen',
        name: 'Chosen',
        client_secret: chosen,
        grant_types: ['client_credentials'],
        response_types: [],
      });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      expect(made.body.client_secret).toBe(chosen);
      const token = (secret: string) =>
        t.http.post('/oauth2/token').type('form').send({ grant_type: 'client_credentials', client_id: 'chosen', client_secret: secret });
      expect((await token(chosen)).status).toBe(200);
      const [row] = await ds.query(`SELECT secret_hash FROM oauth_client WHERE client_id = 'chosen'`);
      expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);

      const changed = await signedPost(t, admin, '/admin/client/update', { client_id: 'chosen', client_secret: `${chosen}-2` });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(changed.body.client_secret).toBeUndefined();
      expect((await token(chosen)).status).toBe(401);
      expect((await token(`${chosen}-2`)).status).toBe(200);

      for (const client_secret of ['too-short', 'x'.repeat(201), 'has a space in it 0123', 42]) {
        const res = await signedPost(t, admin, '/admin/client/create', { name: 'Bad', client_secret });
        expect(res.status, String(client_secret)).toBe(400);
        expect(res.body.error.fields.client_secret, String(client_secret)).toBeDefined();
        expect((await signedPost(t, admin, '/admin/client/update', { client_id: 'chosen', client_secret })).status).toBe(400);
      }
      expect((await token(`${chosen}-2`)).status).toBe(200);
      const publicOne = await signedPost(t, admin, '/admin/client/create', { name: 'Pub', public: true, client_secret: chosen });
      expect(publicOne.status).toBe(400);
    });

    it('authenticate on a session past its lifetime: 403 Token expired (the seed), a wrong secret still 401', async () => {
      const s = await signIn(t, { username: USER.username, password: USER.password });
      await ds.query(`UPDATE session SET access_expires = now() - interval '1 minute' WHERE code = $1`, [s.session]);
      const res = await t.http.post('/api/v1/authenticate').send({ session: s.session, secret: s.secret });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: { code: 403, message: 'Token expired' } });
      expect((await t.http.post('/api/v1/authenticate').send({ session: s.session, secret: 'wrong' })).status).toBe(401);
    });
  });

  describe('7-8: userinfo needs openid, a legacy token renews once', () => {
    const password = (scope: string) =>
      t.http
        .post('/oauth2/token')
        .auth(CLIENT.id, CLIENT.secret)
        .type('form')
        .send({ grant_type: 'password', username: USER.username, password: USER.password, scope });

    it('userinfo: a bearer token without openid is 403 insufficient_scope (OIDC Core 5.3.3, RFC 6750 3.1); with openid its claims', async () => {
      const api = await password('api');
      expect(api.status, JSON.stringify(api.body)).toBe(200);
      for (const call of [
        t.http.get('/oauth2/userinfo').set('Authorization', `Bearer ${api.body.access_token}`),
        t.http.post('/oauth2/userinfo').set('Authorization', `Bearer ${api.body.access_token}`),
      ]) {
        const res = await call;
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ error: 'insufficient_scope' });
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+", error="insufficient_scope", scope="openid"/);
      }
      const oidc = await password('openid profile');
      const ok = await t.http.get('/oauth2/userinfo').set('Authorization', `Bearer ${oidc.body.access_token}`);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ sub: expect.any(String), preferred_username: USER.username });
    });

    it('userinfo refuses unscoped credentials (a legacy token, bare or as Bearer, Basic): 403 insufficient_scope', async () => {
      const login = await t.http.post('/api/v1.0/login').send({ email: USER.email, password: USER.password });
      expect(login.status).toBe(200);
      for (const authorization of [
        `Bearer ${login.body.token}`,
        login.body.token,
        `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`,
      ]) {
        const res = await t.http.get('/oauth2/userinfo').set('Authorization', authorization);
        expect(res.status, authorization.slice(0, 12)).toBe(403);
        expect(res.body).toMatchObject({ error: 'insufficient_scope' });
        expect(res.headers['www-authenticate']).toMatch(/error="insufficient_scope", scope="openid"/);
      }
    });

    it('seed 003: an expired token renews once (its jti kept in PostgreSQL); the second renewal with it is a 401', async () => {
      const login = await t.http.post('/api/v1.0/login').send({ email: USER.email, password: USER.password });
      const claims = JSON.parse(Buffer.from(login.body.token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      expect(claims.jti).toEqual(expect.any(String));
      const key = t.app.get(SigningKeysService).active('legacy');
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({ sid: claims.sid, email: claims.email, roles: claims.roles })
        .setProtectedHeader({ alg: 'HS256', kid: key.kid })
        .setJti(randomUUID())
        .setSubject(String(claims.sub))
        .setIssuer(String(claims.iss))
        .setIssuedAt(now - 1900)
        .setExpirationTime(now - 1000)
        .sign(key.key);
      expect((await t.http.post('/api/v1/whoami').set('Authorization', expired)).status).toBe(403);
      const first = await t.http.get('/api/v1.0/login').set('Authorization', expired);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ token: expect.any(String), user: { email: USER.email, roles: 'user' } });
      const [used] = await ds.query('SELECT expires FROM used_legacy_token WHERE jti = (SELECT $1::varchar)', [
        JSON.parse(Buffer.from(expired.split('.')[1], 'base64url').toString()).jti,
      ]);
      expect(used.expires.getTime()).toBe((now - 1000 + t.config.auth.legacyRefreshGrace) * 1000);
      const second = await t.http.get('/api/v1.0/login').set('Authorization', expired);
      expect(second.status).toBe(401);
      // The renewed token is a new token: it renews (once) in its turn, and works meanwhile.
      expect((await t.http.post('/api/v1/whoami').set('Authorization', first.body.token)).status).toBe(200);
      expect((await t.http.get('/api/v1.0/login').set('Authorization', first.body.token)).status).toBe(200);
      expect((await t.http.get('/api/v1.0/login').set('Authorization', first.body.token)).status).toBe(401);
    });
  });
});
