import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formOf, TestBrowser } from '../support/browser.js';
import { ADMIN, IDENTITY_ENV, type Signed, signedHeaders, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'web-secret-0123456789abcdef';
const CB = 'http://127.0.0.1/cb';
const IVAN = { username: 'ivan', password: 'ivan-password-1', email: 'ivan@example.com' };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Moves a stored code's window by `seconds` (the tests' clock: the server reads validity from the row). */
async function shift(t: TestApp, code: string, seconds: number): Promise<void> {
  const db = new pg.Client({ connectionString: t.db.url });
  await db.connect();
  try {
    await db.query(
      `UPDATE qr_code SET time_start = time_start + make_interval(secs => $2), time_expire = time_expire + make_interval(secs => $2)
        WHERE code_hash = $1`,
      [sha256(code), seconds],
    );
  } finally {
    await db.end();
  }
}

async function rows(t: TestApp, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const db = new pg.Client({ connectionString: t.db.url });
  await db.connect();
  try {
    return (await db.query(sql, params)).rows as Record<string, unknown>[];
  } finally {
    await db.end();
  }
}

/** Seed 004: GET /api/qr and GET/POST /api/getUser, in the seed's envelope. */
describe('QR identification (seed 004)', () => {
  let t: TestApp;
  let ivan: Signed;
  const qrOf = async (s: Signed) => {
    const { body: _raw, ...headers } = signedHeaders(s, '/api/qr');
    return t.http.get('/api/qr').set(headers);
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...IDENTITY_ENV,
        AUTH_LOCK_THRESHOLD: '3',
        BOOTSTRAP_CLIENT_ID: 'web',
        BOOTSTRAP_CLIENT_SECRET: SECRET,
        BOOTSTRAP_CLIENT_REDIRECT_URIS: CB,
        QR_GETUSER_RATE_LIMIT: '0',
      },
    });
    const admin = await signIn(t, ADMIN);
    const created = await signedPost(t, admin, '/sign/up', { ...IVAN, name: { name: 'Иванов Иван Иванович' } });
    expect(created.status).toBe(200);
    ivan = await signIn(t, { username: IVAN.username, password: IVAN.password });
  });
  afterAll(() => t.close());

  it('gives the signed-in user a code for 300 s, the same one when asked again; getUser by GET and POST names the user', async () => {
    const first = await qrOf(ivan);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const { code, time_start, time_expire } = first.body as { code: string; time_start: number; time_expire: number };
    expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Math.abs(time_start - Date.now() / 1000)).toBeLessThan(5);
    expect(time_expire - time_start).toBe(300);
    expect((await qrOf(ivan)).body).toEqual(first.body);

    const byGet = await t.http.get('/api/getUser').query({ code });
    expect(byGet.status).toBe(200);
    expect(byGet.body).toEqual({ username: 'ivan', fullname: 'Иванов Иван Иванович', permissions: {} });
    const byPost = await t.http.post('/api/getUser').send({ code });
    expect(byPost.status).toBe(200);
    expect(byPost.body).toEqual(byGet.body);

    // Only the hash is kept.
    const stored = await rows(t, `SELECT row_to_json(q)::text AS r FROM qr_code q`);
    expect(stored.some((r) => String(r.r).includes(code))).toBe(false);
    expect(stored.some((r) => String(r.r).includes(sha256(code)))).toBe(true);
  });

  it('/api/qr.svg and /api/qr.png render the same code, its window in headers; not signed in: the seed envelope', async () => {
    const { code, time_start } = (await qrOf(ivan)).body as { code: string; time_start: number };
    const { body: _s, ...svgHeaders } = signedHeaders(ivan, '/api/qr.svg');
    const svg = await t.http.get('/api/qr.svg').set(svgHeaders).buffer(true);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(String(svg.body)).toMatch(/^<svg /);
    expect(svg.headers['x-qr-code']).toBe(code);
    expect(Number(svg.headers['x-qr-time-start'])).toBe(time_start);
    const { body: _p, ...pngHeaders } = signedHeaders(ivan, '/api/qr.png?size=128');
    const png = await t.http.get('/api/qr.png?size=128').set(pngHeaders);
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect((png.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
    expect((png.body as Buffer).readUInt32BE(16)).toBe(128);
    const anonymous = await t.http.get('/api/qr.png');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: 1, error_msg: expect.any(String) });
  });

  it("permissions are the user's groups other than `user`", async () => {
    const admin = await signIn(t, ADMIN);
    const { code } = (await qrOf(admin)).body as { code: string };
    expect((await t.http.get('/api/getUser').query({ code })).body).toMatchObject({
      username: 'admin',
      permissions: { administrator: true },
    });
  });

  it.each([
    ['GET without code', () => t.http.get('/api/getUser'), 400, 101],
    ['GET with an empty code', () => t.http.get('/api/getUser?code='), 400, 101],
    ['POST without code', () => t.http.post('/api/getUser').send({}), 400, 101],
    ['POST with no body', () => t.http.post('/api/getUser'), 400, 101],
    ['an unknown code', () => t.http.get('/api/getUser').query({ code: 'A'.repeat(32) }), 404, 102],
    ['a code too long to be ours', () => t.http.post('/api/getUser').send({ code: 'A'.repeat(5000) }), 404, 102],
    ['a code that is not a string', () => t.http.post('/api/getUser').send({ code: 5 }), 400, 1],
    ['an unknown field', () => t.http.post('/api/getUser').send({ code: 'x', other: 1 }), 400, 1],
    ['malformed JSON', () => t.http.post('/api/getUser').set('content-type', 'application/json').send('{"code":'), 400, 1],
  ])('%s: the seed envelope with its code', async (_case, send, status, error) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error, error_msg: expect.any(String) });
  });

  it('a code not valid yet is 103, an expired one 104, and an expired one past QR_CODE_RETAIN_SECONDS is purged (102)', async () => {
    const olga = { username: 'olga', password: 'olga-password-1' };
    const admin = await signIn(t, ADMIN);
    await signedPost(t, admin, '/sign/up', olga);
    const s = await signIn(t, olga);
    const { code } = (await qrOf(s)).body as { code: string };

    await shift(t, code, 100);
    const early = await t.http.get('/api/getUser').query({ code });
    expect(early.status).toBe(403);
    expect(early.body.error).toBe(103);
    expect(early.body.error_msg).toMatch(/через (9\d|100) с/);

    await shift(t, code, -500);
    const late = await t.http.post('/api/getUser').send({ code });
    expect(late.status).toBe(410);
    expect(late.body).toEqual({ error: 104, error_msg: 'Код просрочен' });

    // Expired longer ago than the retention: the next issue purges it (and gives a code for a window from now).
    await shift(t, code, -4000);
    expect(await rows(t, `SELECT 1 FROM qr_code WHERE time_expire < now() - interval '3600 seconds'`)).toHaveLength(1);
    const fresh = (await qrOf(s)).body as { code: string; time_start: number };
    expect(await rows(t, `SELECT 1 FROM qr_code WHERE time_expire < now() - interval '3600 seconds'`)).toHaveLength(0);
    expect(Math.abs(fresh.time_start - Date.now() / 1000)).toBeLessThan(5);
    expect((await t.http.get('/api/getUser').query({ code: fresh.code })).status).toBe(200);
    expect((await t.http.get('/api/getUser').query({ code: 'B'.repeat(32) })).body.error).toBe(102);
  });

  it('rotation: with less than QR_CODE_LEAD_SECONDS left, the next code is issued ahead; both answer as their windows say', async () => {
    const petr = { username: 'petr', password: 'petr-password-1' };
    const admin = await signIn(t, ADMIN);
    await signedPost(t, admin, '/sign/up', petr);
    const s = await signIn(t, petr);
    const current = (await qrOf(s)).body as { code: string; time_start: number; time_expire: number };
    // Let the current window have 10 s left.
    await shift(t, current.code, -290);
    const next = (await qrOf(s)).body as { code: string; time_start: number; time_expire: number };
    expect(next.code).not.toBe(current.code);
    expect(next.time_start).toBe(current.time_expire - 290);
    expect(next.time_expire - next.time_start).toBe(300);
    expect((await qrOf(s)).body).toEqual(next);
    expect((await t.http.get('/api/getUser').query({ code: current.code })).status).toBe(200);
    expect((await t.http.get('/api/getUser').query({ code: next.code })).body.error).toBe(103);
  });

  it('a locked user is 10, in the language asked for', async () => {
    const { code } = (await qrOf(ivan)).body as { code: string };
    for (let i = 0; i < 3; i++) await t.http.post('/api/v1/sign/in').send({ username: IVAN.username, password: 'wrong-password' });
    const res = await t.http.get('/api/getUser').query({ code });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 10, error_msg: 'Пользователь не найден' });
    expect((await t.http.get('/api/getUser').set('accept-language', 'en').query({ code })).body.error_msg).toBe('User not found');
  });

  it('GET /api/qr needs a signed-in user: none is 401 in the seed envelope; a bearer token and the login pages’ cookies work', async () => {
    const none = await t.http.get('/api/qr');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 1, error_msg: expect.any(String) });

    const browser = new TestBrowser(t.baseUrl);
    expect((await browser.get('/api/qr')).status).toBe(401);
    const page = await browser.get(
      `/oauth2/authorize?${new URLSearchParams({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'openid api' })}`,
    );
    const form = formOf(page);
    const done = await browser.post(form.action, { ...form.fields, login: ADMIN.username, password: ADMIN.password });
    const authCode = done.redirect?.searchParams.get('code');
    expect(authCode).toBeTruthy();
    const viaCookie = await browser.get('/api/qr');
    expect(viaCookie.status).toBe(200);
    const { code } = JSON.parse(viaCookie.html) as { code: string };
    expect((await t.http.get('/api/getUser').query({ code })).body.username).toBe('admin');

    const token = await t.http
      .post('/oauth2/token')
      .auth('web', SECRET)
      .type('form')
      .send({ grant_type: 'authorization_code', code: authCode, redirect_uri: CB });
    expect(token.status).toBe(200);
    const viaBearer = await t.http.get('/api/qr').set('authorization', `Bearer ${token.body.access_token}`);
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body.code).toBe(code);
  });
});

describe('getUser settings: QR_GETUSER_AUTH=client and the rate limit per client address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...IDENTITY_ENV,
        BOOTSTRAP_CLIENT_ID: 'device',
        BOOTSTRAP_CLIENT_SECRET: SECRET,
        QR_GETUSER_AUTH: 'client',
        QR_GETUSER_RATE_LIMIT: '3',
        QR_GETUSER_RATE_WINDOW_SECONDS: '3600',
      },
    });
  });
  afterAll(() => t.close());

  it('without a client token: 401 (1); with one: the seed answers; the 4th counted call in the window: 429 (1) with Retry-After', async () => {
    const anonymous = await t.http.get('/api/getUser').query({ code: 'x' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe(1);
    const admin = await signIn(t, ADMIN);
    const signed = signedHeaders(admin, '/api/getUser?code=x');
    const { body: _b, ...headers } = signed;
    const asUser = await t.http.get('/api/getUser?code=x').set(headers);
    expect(asUser.status).toBe(403);
    expect(asUser.body.error).toBe(1);

    const token = await t.http
      .post('/oauth2/token')
      .auth('device', SECRET)
      .type('form')
      .send({ grant_type: 'client_credentials', scope: 'api' });
    const bearer = `Bearer ${token.body.access_token}`;
    const unknown = await t.http.get('/api/getUser').set('authorization', bearer).query({ code: 'x' });
    expect(unknown.body).toEqual({ error: 102, error_msg: expect.any(String) });
    // The guard refused the anonymous call before it was counted: the user's, this one and the next count.
    expect((await t.http.post('/api/getUser').set('authorization', bearer).send({})).body.error).toBe(101);
    const limited = await t.http.post('/api/getUser').set('authorization', bearer).send({});
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe(1);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
