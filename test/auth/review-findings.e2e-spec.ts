import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSignature } from '../../src/modules/auth/request-signature.js';
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
});
