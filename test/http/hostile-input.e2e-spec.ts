import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/modules/auth/tokens/token.service.js';
import { ADMIN, IDENTITY_ENV, signIn } from '../support/identity.js';
import { ProbeModule } from '../support/probe.module.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'hostile-secret-0123456789abcdef';

/** Every line the service logged, as text. */
class LogSink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

/** Hostile input never reaches a 500: each kind is refused by one kernel mechanism, with the route's envelope. */
describe('hostile input', () => {
  let t: TestApp;
  let bearer: string;
  let ds: DataSource;
  const logs = new LogSink();
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const api = (path: string) => t.http.post(`/api/v1${path}`).set('Authorization', `Bearer ${bearer}`);

  beforeAll(async () => {
    t = await startTestApp({
      imports: [ProbeModule],
      logDestination: logs,
      env: {
        ...IDENTITY_ENV,
        LOG_LEVEL: 'info',
        BOOTSTRAP_CLIENT_ID: 'svc',
        BOOTSTRAP_CLIENT_SECRET: SECRET,
        BOOTSTRAP_CLIENT_REDIRECT_URIS: 'http://127.0.0.1/cb',
      },
    });
    ds = t.app.get(DataSource);
    const admin = await signIn(t, ADMIN);
    const [row] = await ds.query<{ userId: string }[]>(`SELECT user_id AS "userId" FROM session WHERE code = $1`, [admin.session]);
    bearer = (await t.app.get(TokenService).issueAccessToken({ userId: row.userId, session: admin.session })).token;
  });
  afterAll(() => t?.close());

  describe('1. nesting depth and key count are bounded before validation', () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

    it('5,000 nested arrays (a 10 KB body) at sign-in, without credentials: 400 with a clear message', async () => {
      for (const body of [`{"username":${deep(5000)},"password":"x"}`, deepObject(20_000)]) {
        const res = await t.http.post('/api/v1/sign/in').set('Content-Type', 'application/json').send(body);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/^Input is nested deeper than 32 levels/);
      }
    });

    it('on a DTO route behind the guard, and at the OAuth token endpoint', async () => {
      const res = await api('/client/set')
        .set('Content-Type', 'application/json')
        .send(`{"info":${deepObject(6000)}}`);
      expect(res.status).toBe(400);
      const token = await t.http
        .post('/oauth2/token')
        .set('Content-Type', 'application/json')
        .send(`{"grant_type":${deep(6000)}}`);
      expect(token.status).toBe(400);
      expect(token.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/nested deeper/) });
    });

    it('in form keys and in JSON text inside a form', async () => {
      const keys = await t.http
        .post('/api/v1/sign/in')
        .type('form')
        .send(`username${'[a]'.repeat(40)}=1&password=x`);
      expect(keys.status).toBe(400);
      const text = await t.http
        .post('/api/v1/client/set')
        .set('Authorization', `Bearer ${bearer}`)
        .type('form')
        .send(`info=${encodeURIComponent(deepObject(100))}`);
      expect(text.status).toBe(400);
      expect(text.body.error.message).toMatch(/nested deeper/);
    });

    it('more keys and elements than BODY_MAX_KEYS: 413', async () => {
      const res = await t.http.post('/api/v1/sign/in').send({ username: Array.from({ length: 20_000 }, () => 0), password: 'x' });
      expect(res.status).toBe(413);
      expect(res.body.error.message).toBe('Input has more than 10000 keys and elements');
    });
  });

  describe('2. strings PostgreSQL refuses: 400 naming the field, on every input path', () => {
    const refused = (res: { status: number; body: { error: { fields?: Record<string, string[]> } } }, field: string) => {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.fields?.[field]?.[0]).toMatch(/NUL characters or unpaired UTF-16 surrogates/);
    };

    it('JSON fields and keys, form and multipart fields, query strings', async () => {
      refused(await t.http.post('/api/v1/sign/in').send({ username: 'admin\u0000', password: 'x' }), 'username');
      refused(await t.http.post('/api/v1/sign/in').send({ username: 'a\ud800', password: 'x' }), 'username');
      refused(
        await t.http.post('/api/v1/sign/in').set('Content-Type', 'application/json').send('{"username":"\\udc00x","password":"x"}'),
        'username',
      );
      refused(await api('/client/set').send({ info: { deep: ['ok', 'no\u0000'] } }), 'info.deep[1]');
      refused(await api('/client/set').send({ info: { 'k\u0000': 1 } }), 'info');
      refused(await t.http.post('/api/v1/sign/in').type('form').send('username=admin%00&password=x'), 'username');
      refused(await t.http.post('/api/v1/sign/in').field('username', 'a\u0000b').field('password', 'x'), 'username');
      refused(await t.http.get('/api/v1/ping?q=%00'), 'q');
      refused(await api('/client/list').send({ search: [{ field: 'code', value: 'x\u0000' }] }), 'search[0].value');
    });

    it('OAuth parameters, before the provider and its adapter see them', async () => {
      const token = await t.http.post('/oauth2/token').type('form').send('grant_type=client_credentials&client_id=svc%00&client_secret=x');
      expect(token.status).toBe(400);
      expect(token.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/client_id: must not contain NUL/) });
      const authorize = await t.http.get('/oauth2/authorize?client_id=svc&response_type=code&scope=openid&login_hint=a%00b');
      expect(authorize.status).toBe(400);
      expect(authorize.body.error_description).toMatch(/login_hint/);
      const unknownClient = await t.http.get('/oauth2/authorize?client_id=s%00vc&response_type=code&scope=openid');
      expect(unknownClient.status).toBe(400);
      const json = await t.http
        .post('/oauth2/token')
        .set('Content-Type', 'application/json')
        .send('{"grant_type":"password","username":"\\u0000"}');
      expect(json.status).toBe(400);
    });

    it('Basic credentials and client ids at every client-authenticating endpoint', async () => {
      for (const path of ['/oauth2/token', '/oauth2/introspect', '/oauth2/revoke']) {
        const res = await t.http
          .post(path)
          .set('Authorization', basic('svc\u0000', SECRET))
          .type('form')
          .send('grant_type=client_credentials&token=x');
        expect(res.status, path).toBe(400);
        expect(res.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/credentials/) });
        const encoded = await t.http
          .post(path)
          .set('Authorization', basic('svc%00', SECRET))
          .type('form')
          .send('grant_type=client_credentials&token=x');
        expect(encoded.status, path).toBe(400);
      }
    });

    it('the login form of the authorization server, and route parameters', async () => {
      const res = await t.http.post('/oauth2/interaction/abc/login').type('form').send('login=admin%00&password=x');
      expect(res.status).toBe(400);
      const path = await t.http.get('/oauth2/interaction/a%00b');
      expect(path.status).toBe(400);
    });
  });

  describe('3. one numeric-id rule', () => {
    it.each([[1e20], ['99999999999999999999'], [null], [-1], [1.5], ['1e3'], ['0x10'], [2 ** 60]])('id %s: 400', async (id) => {
      const get = await api('/client/get').send({ id });
      expect(get.status).toBe(400);
      expect(get.body.error.fields.id[0]).toMatch(/positive integer id/);
      const area = await api('/session/set/area').send({ id });
      expect(area.status).toBe(400);
      expect((await api('/event/log/get').send({ id })).status).toBe(400);
    });

    it('ids past 2^53 as digit strings are ids (not found), and userid of sign/secret follows the same rule', async () => {
      const big = await api('/client/get').send({ id: '9223372036854775807' });
      expect(big.status).toBe(404);
      expect((await api('/client/get').send({ id: '9223372036854775808' })).status).toBe(400);
      expect((await api('/sign/secret').send({ userid: 1e20 })).status).toBe(400);
      expect((await api('/sign/secret').send({ userid: '99999999999999999999' })).status).toBe(400);
    });
  });

  describe('4. impossible dates and years out of range', () => {
    it.each([['2020-02-30'], ['0000-01-01'], ['2021-13-01'], ['10000-01-01'], ['2020-01-01T25:00:00Z'], [8.64e15], ['yesterday']])(
      'timestamp %s: 400',
      async (value) => {
        const res = await api('/session/set/oper_date').send({ oper_date: value });
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.error.fields.oper_date[0]).toMatch(/epoch milliseconds, an ISO 8601 date-time or dd.mm.yyyy/);
        expect((await api('/event/log').send({ datefrom: value })).status).toBe(400);
      },
    );

    it.each([['2020-02-30'], ['0000-01-01'], ['1990-5-17'], ['31.02.1990']])('calendar date %s: 400', async (birthday) => {
      const res = await api('/client/set').send({ code: 'hostile-date', birthday });
      expect(res.status).toBe(400);
      expect(res.body.error.fields.birthday[0]).toMatch(/real day/);
    });
  });

  describe('5. bodies no parser reads', () => {
    const bodies: [string, string | undefined, string][] = [
      ['text/plain', 'text/plain', 'token=x'],
      ['XML', 'application/xml', '<token>x</token>'],
      ['octet-stream', 'application/octet-stream', 'x'],
      ['no content type', undefined, 'token=x'],
    ];

    it.each(bodies)('%s: 415 in the envelope of the route', async (_name, type, payload) => {
      for (const path of ['/api/v1/sign/in', '/oauth2/introspect', '/oauth2/revoke', '/api/v1/client/set']) {
        const req = t.http.post(path).set('Authorization', basic('svc', SECRET));
        if (type) req.set('Content-Type', type);
        else req.unset('Content-Type');
        const res = await req.send(Buffer.from(payload));
        expect(res.status, path).toBe(415);
        if (path.startsWith('/oauth2')) expect(res.body.error).toBe('invalid_request');
        else expect(res.body.error.code).toBe(415);
      }
    });

    it('JSON null and an empty body at introspection and revocation: 400 token is required, not a TypeError', async () => {
      for (const path of ['/oauth2/introspect', '/oauth2/revoke']) {
        const nul = await t.http.post(path).set('Authorization', basic('svc', SECRET)).set('Content-Type', 'application/json').send('null');
        expect(nul.status).toBe(400);
        expect(nul.body).toEqual({ error: 'invalid_request', error_description: 'token is required' });
        const empty = await t.http.post(path).set('Authorization', basic('svc', SECRET));
        expect(empty.status).toBe(400);
      }
    });
  });

  describe('6. prototype keys are refused like any unknown key', () => {
    it.each([['__proto__'], ['constructor'], ['prototype']])('%s in JSON, nested, and in forms', async (key) => {
      const top = await t.http
        .post('/api/v1/sign/in')
        .set('Content-Type', 'application/json')
        .send(`{"username":"a","password":"b","${key}":{"admin":true}}`);
      expect(top.status).toBe(400);
      expect(top.body.error.fields[key]).toEqual([`property ${key} should not exist`]);
      const nested = await api('/client/set').set('Content-Type', 'application/json').send(`{"code":"x","name":{"${key}":{"x":1}}}`);
      expect(nested.status).toBe(400);
      expect(nested.body.error.fields[`name.${key}`]).toBeDefined();
      const form = await t.http.post('/api/v1/sign/in').type('form').send(`username=a&password=b&${key}[admin]=1`);
      expect(form.status).toBe(400);
      const multipart = await t.http.post('/api/v1/sign/in').field('username', 'a').field('password', 'b').field(key, '1');
      expect(multipart.status).toBe(400);
    });
  });

  describe('7. the log never carries bound parameters or driver payloads', () => {
    it('a failed statement logs its SQLSTATE and the request id, not the values', async () => {
      const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0c2FsdA$notarealhashbutsecret';
      const res = await t.http.post('/api/v1/probe/db-crash').set('X-Request-Id', 'log-probe-1').send({ secret: hash });
      expect(res.status).toBe(500);
      const entry = logs.text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { requestId?: string; msg?: string; err?: Record<string, unknown> })
        .find((l) => l.requestId === 'log-probe-1' && l.msg === 'unhandled error');
      expect(entry?.err).toEqual({ type: 'QueryFailedError', code: '22P02', routine: expect.any(String) });
      expect(logs.text).not.toContain('notarealhashbutsecret');
    });
  });
});
