import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionsRepository } from '../../src/modules/auth/sessions.repository.js';
import { SigningKeysService } from '../../src/modules/auth/tokens/signing-keys.service.js';
import { TokenService } from '../../src/modules/auth/tokens/token.service.js';
import { ADMIN, IDENTITY_ENV, signedHeaders, signedPost, signIn, type Signed } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('identity: sign up / in / out, signatures, tokens, legacy logins', () => {
  let t: TestApp;
  let ds: DataSource;
  let admin: Signed;
  const users = () => ds.query('SELECT count(*)::int AS n FROM app_user').then((r) => r[0].n as number);

  beforeAll(async () => {
    t = await startTestApp({ env: { ...IDENTITY_ENV, AUTH_LOCK_THRESHOLD: '3', AUTH_LOCK_MINUTES: '10', NONCE_WINDOW_SECONDS: '30' } });
    ds = t.app.get(DataSource);
    admin = await signIn(t, ADMIN);
    const res = await signedPost(t, admin, '/sign/up', {
      type: 'physical',
      username: 'ivan',
      password: 'ivan-password',
      name: { name: 'Иван Иванов', short: 'Иван', first: 'Иван', last: 'Иванов', middle: '' },
      phone: '+79001234567',
      email: 'ivan@example.com',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.any(Number), userid: expect.any(Number) });
    // Seed 002: signing up creates the client document, owned by the new account, code = login.
    const client = await signedPost(t, admin, '/client/get', { id: res.body.id });
    expect(client.body).toMatchObject({
      code: 'ivan',
      userId: res.body.userid,
      owner: res.body.userid,
      fullname: 'Иван Иванов',
      lastname: 'Иванов',
      statecode: 'created',
      typecode: 'physical',
    });
  });
  afterAll(() => t.close());

  it('the bootstrap administrator exists and signs in', () => {
    expect(admin.session).toMatch(/^[0-9a-f]{40}$/);
    expect(admin.secret.length).toBe(64);
    expect(admin.code.length).toBe(64);
  });

  it('signs in by username, phone and email; agent and host come from the request', async () => {
    for (const login of [{ username: 'ivan' }, { phone: '+79001234567' }, { email: 'IVAN@example.com' }] as Record<string, string>[]) {
      const s = await signIn(t, { ...login, password: 'ivan-password', host: '6.6.6.6' });
      const [row] = await ds.query('SELECT host, agent FROM session WHERE code = $1', [s.session]);
      expect(row.host).not.toBe('6.6.6.6');
    }
    const res = await t.http.post('/api/v1/sign/in').send({ username: 'ivan', password: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: { code: 401, message: 'Вход в систему невозможен. Проверьте правильность имени пользователя и повторите ввод пароля.' },
    });
    const en = await t.http.post('/api/v1/sign/in').set('Accept-Language', 'en').send({ username: 'nobody', password: 'x' });
    expect(en.body.error.message).toBe('Sign in failed. Check the user name and enter the password again.');
  });

  it('whoami, signed exactly as the seed JavaScript does, in the seed shape', async () => {
    const s = await signIn(t, { username: 'ivan', password: 'ivan-password' });
    const res = await signedPost(t, s, '/whoami');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual([
      'id',
      'userid',
      'suid',
      'admin',
      'profile',
      'name',
      'email',
      'phone',
      'session',
      'locale',
      'area',
      'interface',
    ]);
    expect(res.body).toMatchObject({
      admin: false,
      profile: {
        username: 'ivan',
        email: 'ivan@example.com',
        phone: '+79001234567',
        locale: 'ru',
        area: 'default',
        interface: 'I:1:0:0',
        status: 'active',
        state: 'online',
        system: 'no',
      },
      name: { name: 'Иван Иванов', short: 'Иван', first: 'Иван', last: 'Иванов' },
      session: { code: s.session },
      locale: { code: 'ru', name: 'Русский' },
      area: { code: 'default', name: 'По умолчанию' },
      interface: { sid: 'I:1:0:0', name: 'Все' },
    });
    expect(Object.keys(res.body.profile)).toHaveLength(30);
  });

  it('refuses a replayed nonce, a stale nonce and a wrong signature', async () => {
    const s = await signIn(t, { username: 'ivan', password: 'ivan-password' });
    const nonce = String(Date.now() * 1000);
    expect((await signedPost(t, s, '/whoami', null, nonce)).status).toBe(200);
    const replay = await signedPost(t, s, '/whoami', null, nonce);
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/Nonce уже использовано/);
    const stale = await signedPost(t, s, '/whoami', null, String((Date.now() - 60_000) * 1000));
    expect(stale.status).toBe(401);
    const { body, ...headers } = signedHeaders(s, '/whoami', { a: 1 });
    const tampered = await t.http.post('/api/v1/whoami').set(headers).send(body.replace('1', '2'));
    expect(tampered.status).toBe(401);
    expect((await t.http.post('/api/v1/whoami')).status).toBe(401);
    const { Session, Nonce, Signature } = signedHeaders(s, '/whoami');
    const multipart = await t.http.post('/api/v1/whoami').set({ Session, Nonce, Signature }).field('a', '1');
    expect(multipart.status).toBe(401);
  });

  it('signed requests sent at once: each fresh nonce passes once, however they are batched; a nonce sent twice at once passes once', async () => {
    const s = await signIn(t, { username: 'ivan', password: 'ivan-password' });
    const fresh = await Promise.all(Array.from({ length: 20 }, () => signedPost(t, s, '/whoami')));
    expect(fresh.map((r) => r.status)).toEqual(Array(20).fill(200));
    const nonce = String(Date.now() * 1000 + 500_000);
    const same = await Promise.all(Array.from({ length: 12 }, () => signedPost(t, s, '/whoami', null, nonce)));
    expect(same.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = same.filter((r) => r.status !== 200);
    expect(refused.map((r) => r.status)).toEqual(Array(11).fill(401));
    for (const r of refused) expect(r.body.error.message).toMatch(/Nonce уже использовано/);
  });

  /** A fresh session's id, and the repository whose nonce batch the next two tests read. */
  async function nonceRepository() {
    const s = await signIn(t, { username: 'ivan', password: 'ivan-password' });
    const [{ id }] = await t.app.get(DataSource).query<{ id: string }[]>(`SELECT id::text FROM session WHERE code = $1`, [s.session]);
    return { id, repo: t.app.get(SessionsRepository) };
  }

  it('nonces checked in the same turn of the event loop share one INSERT: a repeat in the batch or after it is refused', async () => {
    const { id, repo } = await nonceRepository();
    const [a, b] = [String(Date.now() * 1000 + 1), String(Date.now() * 1000 + 2)];
    // `0…` is the same bigint nonce as without its leading zero.
    expect(await Promise.all([repo.useNonce(id, a), repo.useNonce(id, a), repo.useNonce(id, b), repo.useNonce(id, `0${b}`)])).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect(await Promise.all([repo.useNonce(id, a), repo.useNonce(id, String(Date.now() * 1000 + 3))])).toEqual([false, true]);
    // A zero-padded nonce alone is the number it spells: fresh once, then seen.
    const c = String(Date.now() * 1000 + 4);
    expect(await repo.useNonce(id, `00${c}`)).toBe(true);
    expect(await repo.useNonce(id, c)).toBe(false);
  });

  it('a batch the database refuses fails every request in it, records none of them, and the next batch works', async () => {
    const { id, repo } = await nonceRepository();
    const nonce = String(Date.now() * 1000 + 7);
    // A session id that is no bigint makes PostgreSQL refuse the whole statement (22P02).
    const settled = await Promise.allSettled([repo.useNonce('not-a-session', nonce), repo.useNonce(id, nonce)]);
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await repo.useNonce(id, nonce)).toBe(true);
  });

  it('query parameters of a signed request must be covered by its signature', async () => {
    const s = await signIn(t, { username: 'ivan', password: 'ivan-password' });
    // Query parameters join the body, so one added to a request signed without it would change what it does.
    const bare = signedHeaders(s, '/current/session', {});
    const { body: raw, ...headers } = bare;
    const added = await t.http.post('/api/v1/current/session?fields=%5B%22code%22%5D').set(headers).send(raw);
    expect(added.status).toBe(401);
    const covered = signedHeaders(s, '/current/session?fields=%5B%22code%22%5D', {});
    const { body: raw2, ...headers2 } = covered;
    expect((await t.http.post('/api/v1/current/session?fields=%5B%22code%22%5D').set(headers2).send(raw2)).status).toBe(200);
  });

  it('locks after the threshold, refuses while locked, unlocks after the period', async () => {
    await signedPost(t, admin, '/sign/up', { username: 'petr', password: 'petr-password' });
    for (let i = 0; i < 3; i++) expect((await t.http.post('/api/v1/sign/in').send({ username: 'petr', password: 'bad' })).status).toBe(401);
    const locked = await t.http.post('/api/v1/sign/in').send({ username: 'petr', password: 'petr-password' });
    expect(locked.status).toBe(403);
    expect(locked.body.error.message).toMatch(/заблокирована/);
    const [row] = await ds.query(`SELECT status, input_error, input_error_all FROM app_user WHERE username = 'petr'`);
    expect(row).toEqual({ status: 'locked', input_error: 3, input_error_all: 3 });
    const log = await ds.query(
      `SELECT e.type, e.code FROM event_log e JOIN app_user u ON u.id = e.user_id WHERE u.username = 'petr' AND e.category = 'auth' ORDER BY e.id`,
    );
    expect(log.map((l: { type: string }) => l.type)).toEqual(['W', 'W', 'W', 'E', 'W']);
    // The lock period passes.
    await ds.query(`UPDATE app_user SET lock_date = now() - interval '11 minutes' WHERE username = 'petr'`);
    await signIn(t, { username: 'petr', password: 'petr-password' });
    const [after] = await ds.query(`SELECT status, input_error, input_count FROM app_user WHERE username = 'petr'`);
    expect(after).toEqual({ status: 'active', input_error: 0, input_count: 1 });
  });

  it('session_limit closes the oldest open sessions', async () => {
    await signedPost(t, admin, '/sign/up', { username: 'olga', password: 'olga-password' });
    await ds.query(`UPDATE app_user SET session_limit = 2 WHERE username = 'olga'`);
    const [a, b, c] = [
      await signIn(t, { username: 'olga', password: 'olga-password' }),
      await signIn(t, { username: 'olga', password: 'olga-password' }),
      await signIn(t, { username: 'olga', password: 'olga-password' }),
    ];
    const authorized = async (s: Signed) => (await t.http.post('/api/v1/authorize').send({ session: s.session })).body.authorized;
    expect([await authorized(a), await authorized(b), await authorized(c)]).toEqual([false, true, true]);
  });

  it('sign out (one, then all) makes signatures and tokens fail', async () => {
    const tokens = t.app.get(TokenService);
    const [a, b] = [
      await signIn(t, { username: 'ivan', password: 'ivan-password' }),
      await signIn(t, { username: 'ivan', password: 'ivan-password' }),
    ];
    const [row] = await ds.query('SELECT user_id FROM session WHERE code = $1', [b.session]);
    const { token } = await tokens.issueAccessToken({ userId: row.user_id, session: b.session });
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${token}`)).status).toBe(200);

    expect((await signedPost(t, a, '/sign/out', { session: a.session })).body).toEqual({ closed: 1 });
    expect((await signedPost(t, a, '/whoami')).status).toBe(401);
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${token}`)).status).toBe(200);

    expect((await signedPost(t, b, '/sign/out', { close_all: true })).body.closed).toBeGreaterThanOrEqual(1);
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    expect((await signedPost(t, b, '/whoami')).status).toBe(401);
  });

  it('access tokens: bound to an open session; expired -> 403 Token expired; forged -> 401', async () => {
    const tokens = t.app.get(TokenService);
    const s = await signIn(t, { username: 'ivan', password: 'ivan-password' });
    const [row] = await ds.query('SELECT user_id FROM session WHERE code = $1', [s.session]);
    const expired = await tokens.issueAccessToken({ userId: row.user_id, session: s.session, ttl: -10 });
    const res = await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${expired.token}`);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 403, message: 'Token expired' } });
    const other = await tokens.issueAccessToken({ userId: '1', session: s.session });
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${other.token}`)).status).toBe(401);
    expect((await t.http.post('/api/v1/whoami').set('Authorization', 'Bearer not.a.token')).status).toBe(401);
    const jwks = await t.http.get('/oauth2/jwks');
    expect(jwks.body.keys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' }),
        expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' }),
      ]),
    );
    for (const key of jwks.body.keys) expect(key.d).toBeUndefined();
  });

  it('rotating the signing key: new tokens use the new key, old ones verify until they expire', async () => {
    const tokens = t.app.get(TokenService);
    const keys = t.app.get(SigningKeysService);
    const s = await signIn(t, { username: 'ivan', password: 'ivan-password' });
    const [row] = await ds.query('SELECT user_id FROM session WHERE code = $1', [s.session]);
    const before = await tokens.issueAccessToken({ userId: row.user_id, session: s.session });
    const oldKid = keys.active('access').kid;
    const newKid = await keys.rotate('access');
    const after = await tokens.issueAccessToken({ userId: row.user_id, session: s.session });
    const kidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid;
    expect([kidOf(before.token), kidOf(after.token)]).toEqual([oldKid, newKid]);
    for (const token of [before.token, after.token])
      expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    const published = (await t.http.get('/oauth2/jwks')).body.keys.map((k: { kid: string }) => k.kid);
    expect(published).toEqual(expect.arrayContaining([oldKid, newKid]));
  });

  it('authenticate (session + secret -> code) and authorize', async () => {
    const s = await signIn(t, { username: 'ivan', password: 'ivan-password' });
    const code = await t.http.post('/api/v1/authenticate').send({ session: s.session, secret: s.secret });
    expect(code.status).toBe(200);
    expect(code.body.code).toHaveLength(64);
    expect((await t.http.post('/api/v1/authenticate').send({ session: s.session, secret: 'wrong' })).status).toBe(401);
    expect((await t.http.post('/api/v1/authorize').send({ session: s.session })).body).toEqual({ authorized: true, message: 'Успешно.' });
    expect(
      (
        await t.http
          .post('/api/v1/authorize')
          .set('Accept-Language', 'en')
          .send({ session: '0'.repeat(40) })
      ).body,
    ).toEqual({
      authorized: false,
      message: 'The session does not exist or is closed.',
    });
  });

  it('current/* and session/set/*', async () => {
    const s = await signIn(t, { username: 'ivan', password: 'ivan-password' });
    expect((await signedPost(t, s, '/current/session')).body).toEqual({ session: s.session });
    expect((await signedPost(t, s, '/current/username')).body).toEqual({ username: 'ivan' });
    expect((await signedPost(t, s, '/current/locale')).body.locale.code).toBe('ru');
    expect((await signedPost(t, s, '/current/oper_date')).body).toEqual({ oper_date: null });
    expect((await signedPost(t, s, '/current/nonsense')).status).toBe(400);

    expect((await signedPost(t, s, '/locale/set', { code: 'en' })).body.locale.code).toBe('en');
    const wrong = await signedPost(t, s, '/sign/up', { username: 'x', password: 'password-x' });
    expect(wrong.body.error.message).toBe('Only administrators and clients with the account-creating right may create accounts.'); // messages now in the session's language
    expect((await signedPost(t, s, '/session/set/interface', { code: 'I:1:0:3' })).body.interface.sid).toBe('I:1:0:3');
    expect((await signedPost(t, s, '/session/set/interface', { code: 'I:1:0:1' })).status).toBe(403);
    expect((await signedPost(t, s, '/session/set/area', { code: 'root' })).status).toBe(403);
    expect((await signedPost(t, s, '/session/set/area', { code: 'nowhere' })).status).toBe(404);
    expect((await signedPost(t, s, '/session/set/oper_date', { oper_date: '2020-08-12T00:00:00Z' })).body.oper_date).toBe(
      '2020-08-12T00:00:00.000Z',
    );
    expect((await signedPost(t, s, '/session/set/oper_date', { oper_date: null })).body).toEqual({ oper_date: null });
    expect((await signedPost(t, s, '/locale')).body.map((l: { code: string }) => l.code)).toEqual(['ru', 'en']);
  });

  it('sign up: administrators only; duplicates are a 400 with the seed message; bad input writes nothing', async () => {
    const before = await users();
    const dup = await signedPost(t, admin, '/sign/up', { username: 'ivan2', password: 'password-2', email: 'ivan@example.com' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({
      error: { code: 400, message: 'Учётная запись с электронным адресом "ivan@example.com" уже зарегистрирована.' },
    });
    expect((await signedPost(t, admin, '/sign/up', { username: 'IVAN', password: 'password-2' })).body.error.message).toBe(
      'Учётная запись "IVAN" уже существует.',
    );
    for (const body of [
      {},
      { password: 'password-x' },
      { username: 'x', password: 'short' },
      { username: 'x', password: 12345678 },
      { username: 'x'.repeat(101), password: 'password-x' },
      { username: 'x', password: 'y'.repeat(201) },
      { username: 'x', password: 'password-x', admin: true },
      { username: 'x', password: 'password-x', type: 'robot' },
      { username: 'x', password: 'password-x', name: { name: 5 } },
    ]) {
      const res = await signedPost(t, admin, '/sign/up', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(res.body.error.fields ?? {}).length, JSON.stringify(body)).toBeGreaterThan(0);
    }
    const ivan = await signIn(t, { username: 'ivan', password: 'ivan-password' });
    expect((await signedPost(t, ivan, '/sign/up', { username: 'y', password: 'password-y' })).status).toBe(403);
    expect(await users()).toBe(before);
    expect((await t.http.post('/api/v1/sign/in').send({ username: 'a', email: 'b', password: 'c' })).status).toBe(400);
    expect((await t.http.post('/api/v1/sign/in').send({ password: 'c' })).status).toBe(400);
  });

  it('seed 000: generatetoken gives the user id and a JWT accepted in Authorization', async () => {
    const res = await t.http.post('/account/generatetoken').type('form').send({ username: 'ivan@example.com', pswd: 'ivan-password' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      userId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      token: expect.stringMatching(/^eyJ/),
    });
    expect((await t.http.post('/api/v1/whoami').set('Authorization', res.body.token)).body.profile.username).toBe('ivan');
    expect((await t.http.post('/account/generatetoken').send({ username: 'ivan@example.com', pswd: 'bad' })).status).toBe(401);
  });

  it('seed 003: v1.0 login, and its refresh rules', async () => {
    const login = await t.http.post('/api/v1.0/login').send({ email: 'ivan@example.com', password: 'ivan-password' });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ token: expect.any(String), user: { email: 'ivan@example.com', roles: 'user' } });
    const payload = JSON.parse(Buffer.from(login.body.token.split('.')[1], 'base64url').toString());
    expect(payload.exp - payload.iat).toBe(900);
    expect((await t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${login.body.token}`)).status).toBe(200);

    const key = t.app.get(SigningKeysService).active('legacy');
    const sign = (expSecondsAgo: number, k = key.key) =>
      new SignJWT({ sid: payload.sid, email: payload.email, roles: payload.roles })
        .setProtectedHeader({ alg: 'HS256', kid: key.kid })
        .setJti(randomUUID())
        .setSubject(payload.sub)
        .setIssuer(payload.iss)
        .setIssuedAt(Math.floor(Date.now() / 1000) - expSecondsAgo - 900)
        .setExpirationTime(Math.floor(Date.now() / 1000) - expSecondsAgo)
        .sign(k);
    const insideGrace = await sign(3600);
    expect((await t.http.post('/api/v1/whoami').set('Authorization', insideGrace)).status).toBe(403);
    const renewed = await t.http.get('/api/v1.0/login').set('Authorization', insideGrace);
    expect(renewed.status).toBe(200);
    expect(renewed.body.user).toEqual({ email: 'ivan@example.com', roles: 'user' });
    expect((await t.http.post('/api/v1/whoami').set('Authorization', renewed.body.token)).status).toBe(200);

    expect((await t.http.get('/api/v1.0/login').set('Authorization', await sign(86_400 + 60))).status).toBe(401);
    expect(
      (await t.http.get('/api/v1.0/login').set('Authorization', await sign(60, new TextEncoder().encode('x'.repeat(32))))).status,
    ).toBe(401);
    await ds.query(`UPDATE session SET closed = now() WHERE code = $1`, [payload.sid]);
    expect((await t.http.get('/api/v1.0/login').set('Authorization', insideGrace)).status).toBe(401);
  });
});
