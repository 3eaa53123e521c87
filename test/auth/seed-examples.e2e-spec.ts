import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSignature } from '../../src/modules/auth/request-signature.js';
import { IDENTITY_ENV, signedHeaders, signedPost, signIn, type Signed } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CLIENT = { id: 'web-service.ru', secret: 'client-secret-0123456789abcdef' };
const basic = (login: string, password: string) => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
/** POST /api/v1/whoami signed with exactly this nonce (the shared helper keeps its nonces increasing). */
const whoamiAt = (t: TestApp, s: Signed, nonce: string) =>
  t.http.post('/api/v1/whoami').set({ Session: s.session, Nonce: nonce, Signature: requestSignature(s.secret, '/whoami', nonce, null) });
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/**
 * Seed 002's own requests, sent as written (sections "API", "Регистрация", "Вход в систему", "Кто я?" and the
 * list examples), against an app whose administrator is the seed's admin:admin.
 */
describe('seed 002 examples, as written', () => {
  let t: TestApp;
  let ds: DataSource;
  let admin: Signed;
  const clientToken = async () =>
    (
      await t.http
        .post('/oauth2/token')
        .type('form')
        .send({ client_id: CLIENT.id, client_secret: CLIENT.secret, grant_type: 'client_credentials' })
    ).body as { access_token: string; session: string };

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...IDENTITY_ENV,
        BOOTSTRAP_ADMIN_PASSWORD: 'admin',
        BOOTSTRAP_CLIENT_ID: CLIENT.id,
        BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
        BOOTSTRAP_CLIENT_REDIRECT_URIS: 'http://localhost:8080/oauth2/code',
        AUTH_LOCK_THRESHOLD: '3',
        // Every request reads its session, so lifetimes changed in the database show at once.
        SESSION_CACHE_SECONDS: '0',
      },
    });
    ds = t.app.get(DataSource);
    admin = await signIn(t, { username: 'admin', password: 'admin' });
  });
  afterAll(() => t.close());

  it('"Маркер доступа": GET /api/v1/whoami with Authorization: Bearer (and POST); the reads answer GET', async () => {
    const { access_token } = (
      await t.http
        .post('/oauth2/token')
        .type('form')
        .send({ client_id: CLIENT.id, client_secret: CLIENT.secret, grant_type: 'password', username: 'admin', password: 'admin' })
    ).body;
    const get = await t.http.get('/api/v1/whoami').set('Authorization', `Bearer ${access_token}`);
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({ admin: true, profile: { username: 'admin' } });
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${access_token}`)).body).toEqual(get.body);
    expect((await t.http.get('/api/v1/current/username').set('Authorization', `Bearer ${access_token}`)).body).toEqual({
      username: 'admin',
    });
    expect((await t.http.get('/api/v1/locale').set('Authorization', `Bearer ${access_token}`)).body).toHaveLength(2);
    // A signed GET signs the path and `null`, as the seed's JavaScript does for a request without a body.
    const { body: _none, ...headers } = signedHeaders(admin, '/whoami');
    expect((await t.http.get('/api/v1/whoami').set(headers)).status).toBe(200);
  });

  it('Nonce: milliseconds (the text) and microseconds (the example), one window, replays refused', async () => {
    const ms = String(Date.now());
    expect((await whoamiAt(t, admin, ms)).status).toBe(200);
    const replay = await whoamiAt(t, admin, ms);
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/Nonce уже использовано/);
    expect((await whoamiAt(t, admin, String(Date.now() - 600_000))).status).toBe(401);
    expect((await whoamiAt(t, admin, String(Date.now() * 1000 + 7))).status).toBe(200);
    expect((await whoamiAt(t, admin, String((Date.now() + 600_000) * 1000))).status).toBe(401);
  });

  it('"Регистрация": sign/up with a client_credentials token and the seed body: the e-mail is the login, the password is generated and answered once', async () => {
    const { access_token } = await clientToken();
    const body = {
      type: 'physical',
      name: { name: 'User Name', short: 'User Name', first: 'User', last: 'Name', middle: '' },
      phone: '',
      email: 'mail@mail.ru',
    };
    const res = await t.http
      .post('/api/v1/sign/up')
      .set('Authorization', `Bearer ${access_token}`)
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.any(Number), userid: expect.any(Number), password: expect.any(String) });
    const user = await signIn(t, { email: 'mail@mail.ru', password: res.body.password });
    const me = (await signedPost(t, user, '/whoami')).body;
    // "Кто я?": id is the client document's, email and phone its directories.
    expect(me).toMatchObject({ id: res.body.id, userid: res.body.userid, email: 'mail@mail.ru', phone: null, name: { name: 'User Name' } });
    expect(Object.keys(me.area)).toEqual(['id', 'parent', 'type', 'code', 'name', 'description', 'validfromdate', 'validtodate']);
    expect(me.area).toMatchObject({ id: expect.any(Number), parent: expect.any(Number), code: 'default', name: 'По умолчанию' });
    const again = await t.http.post('/api/v1/sign/up').set('Authorization', `Bearer ${access_token}`).send(body);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      error: { code: 400, message: 'Учётная запись с электронным адресом "mail@mail.ru" уже зарегистрирована.' },
    });
    // A user without the account-creating right may not.
    expect((await signedPost(t, user, '/sign/up', { email: 'other@mail.ru' })).status).toBe(403);
  });

  it('"Вход в систему": the user name (personal code) with SHA1 of the secret code as the password', async () => {
    await signedPost(t, admin, '/sign/up', { username: 'worker', password: 'worker-password' });
    const worker = await signIn(t, { username: 'worker', password: 'worker-password' });
    const { secret } = (await signedPost(t, worker, '/sign/secret', {})).body;
    const res = await t.http.post('/api/v1/sign/in').send({ username: 'worker', password: sha1(secret) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ session: expect.any(String), code: expect.any(String), secret: expect.any(String) });
    expect((await t.http.post('/api/v1/sign/in').send({ username: 'worker', password: sha1('not the code') })).status).toBe(401);
    // The code is not a password: not under another login, nor as itself.
    expect((await t.http.post('/api/v1/sign/in').send({ username: 'worker', password: secret })).status).toBe(401);
  });

  it('Authorization: Basic admin:admin on the API, with the seed list example of admin/session/list', async () => {
    const res = await t.http
      .post('/api/v1/admin/session/list')
      .set('Content-Type', 'application/json')
      .set('Authorization', 'Basic YWRtaW46YWRtaW4=')
      .send(
        '{"search": [{"field":"userid","compare":"EQL","value":"1004","condition":"OR", "lstr": "("},{"field":"userid","compare":"EQL","value":"1010","condition":"OR", "rstr": ")"},{"field":"created","compare":"LSS","value":"12.08.2020"},{"field":"created","compare":"GEQ","value":"11.08.2020"}]}',
      );
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    // The same shape over today and the administrator's id finds its sessions, the Basic one among them.
    const [{ id: adminId }] = await ds.query(`SELECT id FROM app_user WHERE username = 'admin'`);
    const day = (d: Date) =>
      `${String(d.getUTCDate()).padStart(2, '0')}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${d.getUTCFullYear()}`;
    const today = new Date();
    const tomorrow = new Date(Date.now() + 86_400_000);
    const found = await t.http
      .post('/api/v1/admin/session/list')
      .set('Authorization', 'Basic YWRtaW46YWRtaW4=')
      .send({
        fields: ['id', 'userid', 'username', 'host'],
        search: [
          { field: 'userid', compare: 'EQL', value: String(adminId), condition: 'OR', lstr: '(' },
          { field: 'userid', compare: 'EQL', value: '1010', condition: 'OR', rstr: ')' },
          { field: 'created', compare: 'LSS', value: day(tomorrow) },
          { field: 'created', compare: 'GEQ', value: day(new Date(today.getTime() - 86_400_000)) },
        ],
      });
    expect(found.status).toBe(200);
    expect(found.body.length).toBeGreaterThanOrEqual(2);
    expect(found.body[0]).toEqual({ id: expect.any(Number), userid: Number(adminId), username: 'admin', host: expect.any(String) });
    const count = await t.http
      .post('/api/v1/admin/session/count')
      .set('Authorization', 'Basic YWRtaW46YWRtaW4=')
      .send({ filter: { userid: adminId } });
    expect(count.body.count).toBeGreaterThanOrEqual(found.body.length);

    const victim = await signIn(t, { username: 'admin', password: 'admin' });
    const [{ id: victimId }] = await ds.query(`SELECT id FROM session WHERE code = $1`, [victim.session]);
    const got = await t.http
      .post('/api/v1/admin/session/get')
      .set('Authorization', 'Basic YWRtaW46YWRtaW4=')
      .send({ id: Number(victimId) });
    expect(got.body).toMatchObject({ id: Number(victimId), code: victim.session, closed: null });
    expect((await t.http.get(`/api/v1/admin/session/get?id=${victimId}`).set('Authorization', 'Basic YWRtaW46YWRtaW4=')).body.code).toBe(
      victim.session,
    );
    expect(
      (await t.http.post('/api/v1/admin/session/close').set('Authorization', 'Basic YWRtaW46YWRtaW4=').send({ id: victimId })).body,
    ).toEqual({
      closed: 1,
    });
    expect((await signedPost(t, victim, '/whoami')).status).toBe(401);
    expect(
      (await t.http.post('/api/v1/admin/session/close').set('Authorization', 'Basic YWRtaW46YWRtaW4=').send({ id: victimId })).status,
    ).toBe(404);
    const { access_token } = await clientToken();
    expect((await t.http.post('/api/v1/admin/session/list').set('Authorization', `Bearer ${access_token}`).send({})).status).toBe(403);
  });

  it('Basic: the password is checked once (one session per user and address), wrong ones count toward the lockout, a lock or sign-out ends it', async () => {
    await signedPost(t, admin, '/sign/up', { username: 'basic', password: 'basic-password' });
    const counters = async () => (await ds.query(`SELECT input_count, input_error, status FROM app_user WHERE username = 'basic'`))[0];
    const whoami = (auth: string) => t.http.post('/api/v1/whoami').set('Authorization', auth);
    const right = basic('basic', 'basic-password');
    const sessions = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await whoami(right);
      expect(res.status).toBe(200);
      sessions.add(res.body.session.code);
    }
    expect(sessions.size).toBe(1);
    expect((await counters()).input_count).toBe(1);

    // Signing out ends the session; the next request checks the password again and opens a new one.
    expect((await t.http.post('/api/v1/sign/out').set('Authorization', right).send({})).body).toEqual({ closed: 1 });
    const reopened = await whoami(right);
    expect(reopened.status).toBe(200);
    expect(sessions.has(reopened.body.session.code)).toBe(false);
    expect((await counters()).input_count).toBe(2);

    const wrong = await whoami(basic('basic', 'wrong-password'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+", charset="UTF-8"$/);
    await whoami(basic('basic', 'wrong-again'));
    expect((await whoami(basic('basic', 'wrong-thrice'))).status).toBe(401);
    expect(await counters()).toMatchObject({ input_error: 3, status: 'locked' });
    // The remembered right password does not outlive the lock.
    const locked = await whoami(right);
    expect(locked.status).toBe(403);
    expect(locked.body.error.message).toMatch(/заблокирована/);

    expect((await whoami('Basic !!!')).status).toBe(401);
    expect((await whoami(basic('nobody', 'x'))).status).toBe(401);
  });

  it('API_BASIC_AUTH=false turns Basic off', async () => {
    const other = await startTestApp({ env: { ...IDENTITY_ENV, BOOTSTRAP_ADMIN_PASSWORD: 'admin', API_BASIC_AUTH: 'false' } });
    try {
      const res = await other.http.post('/api/v1/whoami').set('Authorization', 'Basic YWRtaW46YWRtaW4=');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 401, message: 'Требуется авторизация.' } });
    } finally {
      await other.close();
    }
  });

  it('sessions expire: idle past access_expires is 403 Token expired everywhere; a refresh revives it until refresh_expires', async () => {
    const tokens = (
      await t.http.post('/oauth2/token').type('form').send({
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        grant_type: 'password',
        username: 'admin',
        password: 'admin',
        scope: 'api',
      })
    ).body;
    const signed = await signIn(t, { username: 'admin', password: 'admin' });
    // Used last two hours ago, with a one-hour idle window.
    const idle = (code: string) =>
      ds.query(`UPDATE session SET updated = now() - interval '2 hours', access_expires = now() - interval '1 hour' WHERE code = $1`, [
        code,
      ]);
    await idle(tokens.session);
    await idle(signed.session);

    const bearer = await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(bearer.status).toBe(403);
    expect(bearer.body).toEqual({ error: { code: 403, message: 'Token expired' } });
    expect(bearer.headers['www-authenticate']).toContain('error="invalid_token"');
    expect((await signedPost(t, signed, '/whoami')).body).toEqual({ error: { code: 403, message: 'Token expired' } });
    expect((await t.http.post('/api/v1/authenticate').send({ session: signed.session, secret: signed.secret })).status).toBe(403);
    expect((await t.http.post('/api/v1/authorize').send({ session: signed.session })).body).toEqual({
      authorized: false,
      message: 'Token expired',
    });
    const exchange = await t.http
      .post('/oauth2/token')
      .send({ grant_type: 'authorization_code', client_id: CLIENT.id, client_secret: CLIENT.secret, code: signed.code });
    expect(exchange.body, JSON.stringify(exchange.body)).toMatchObject({ error: 'invalid_grant' });

    // A refresh uses the session again (seed: "get a new access token with the refresh token").
    const refreshed = await t.http
      .post('/oauth2/token')
      .type('form')
      .send({ client_id: CLIENT.id, client_secret: CLIENT.secret, grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${refreshed.body.access_token}`)).status).toBe(200);

    // Past its end nothing revives it.
    await ds.query(`UPDATE session SET refresh_expires = now() - interval '1 second' WHERE code = $1`, [tokens.session]);
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${refreshed.body.access_token}`)).status).toBe(403);
    const late = await t.http.post('/oauth2/token').type('form').send({
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      grant_type: 'refresh_token',
      refresh_token: refreshed.body.refresh_token,
    });
    expect(late.body.error).toBe('invalid_grant');
  });

  it('a use moves the idle deadline on, keeping the session its own idle window (written at most once a minute)', async () => {
    const s = await signIn(t, { username: 'admin', password: 'admin' });
    await ds.query(
      `UPDATE session SET updated = now() - interval '2 minutes', access_expires = now() + interval '10 seconds' WHERE code = $1`,
      [s.session],
    );
    expect((await signedPost(t, s, '/whoami')).status).toBe(200);
    // The touch is written beside the request: wait for it.
    let window = 0;
    for (let i = 0; i < 200 && window < 100; i++) {
      const [row] = await ds.query(`SELECT extract(epoch FROM access_expires - now())::int AS left FROM session WHERE code = $1`, [
        s.session,
      ]);
      window = row.left;
    }
    expect(window).toBeGreaterThan(100); // about 130 s: the 2 min 10 s it had, from now
  });
});
