import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/modules/auth/tokens/token.service.js';
import { requestSignature } from '../../src/modules/auth/request-signature.js';
import { ADMIN, IDENTITY_ENV, type Signed, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let lastNonce = 0;
const nonce = () => String((lastNonce = Math.max(Date.now() * 1000, lastNonce + 1)));

/**
 * Seed 002's requests as its own examples send them (issue 10 items 3, 5, 6): curl's form-labelled JSON,
 * parameters in the query string, JSON text inside forms, timestamps in milliseconds.
 */
describe('seed 002 requests as written', () => {
  let t: TestApp;
  let admin: Signed;
  let token: string;
  const bearer = () => ({ Authorization: `Bearer ${token}` });
  beforeAll(async () => {
    t = await startTestApp({ env: IDENTITY_ENV });
    admin = await signIn(t, ADMIN);
    const [row] = await t.app
      .get(DataSource)
      .query<{ userId: string }[]>(`SELECT user_id AS "userId" FROM session WHERE code = $1`, [admin.session]);
    token = (await t.app.get(TokenService).issueAccessToken({ userId: row.userId, session: admin.session })).token;
  });
  afterAll(() => t?.close());

  /**
   * curl -X POST -H Session -H Nonce -H Signature -d '<text>' <url>: curl labels the body a form. The signature
   * covers the path with its query string, as the server checks it.
   */
  const curl = (path: string, text: string, query = '') => {
    const n = nonce();
    return t.http
      .post(`/api/v1${path}${query}`)
      .set({ Session: admin.session, Nonce: n, Signature: requestSignature(admin.secret, `${path}${query}`, n, text) })
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(text);
  };

  describe('item 3: curl -d with JSON text', () => {
    it("the seed's signed /method/get example: read as JSON, for the signature and for the route", async () => {
      const seed = '{"classcode":"client","statecode":"enabled","actioncode":"invite"}';
      const asCurl = await curl('/method/get', seed);
      expect(asCurl.status).not.toBe(401); // the signature over the form-labelled bytes holds
      const asJson = await signedPost(t, admin, '/method/get', JSON.parse(seed));
      expect({ status: asCurl.status, body: asCurl.body }).toEqual({ status: asJson.status, body: asJson.body });
      // What the route saw are the JSON keys, not one form key holding the whole text.
      expect(JSON.stringify(asCurl.body)).not.toContain('{\\"classcode');
    });

    it('the same without the action filter answers the methods of the state', async () => {
      const res = await curl('/method/get', '{"classcode":"client","statecode":"enabled"}');
      expect(res.status).toBe(200);
      expect(res.body.map((m: { actioncode: string }) => m.actioncode)).toEqual(['disable', 'delete']);
      const array = await curl('/action/run', '[]');
      expect(array.status).not.toBe(401);
      expect(await curl('/method/get', '{"classcode":}')).toMatchObject({
        status: 400,
        body: { error: { message: 'Malformed JSON in request body' } },
      });
    });
  });

  describe('item 5: query-string parameters and JSON text inside forms', () => {
    it('POST parameters may come in the query string; the body wins on a clash', async () => {
      const split = await curl('/method/get', 'statecode=enabled', '?classcode=client');
      expect(split.status).toBe(200);
      expect(split.body.map((m: { actioncode: string }) => m.actioncode)).toEqual(['disable', 'delete']);
      const clash = await curl('/method/get', 'classcode=client&statecode=enabled', '?statecode=deleted');
      expect(clash.body).toEqual(split.body);
      const queryOnly = await t.http
        .post('/api/v1/method/get?classcode=client&statecode=enabled')
        .set({ ...bearer(), 'Content-Type': 'application/json' })
        .send('null');
      expect(queryOnly.body).toEqual(split.body);
    });

    it('name, phone, email, info as JSON text in urlencoded and multipart bodies', async () => {
      const code = `seed-form-${Date.now()}`;
      const form = new URLSearchParams({
        code,
        name: JSON.stringify({ name: 'ООО Ромашка', short: 'Ромашка' }),
        phone: JSON.stringify({ mobile: '+79001234567' }),
        email: JSON.stringify(['info@example.com']),
        info: JSON.stringify({ source: 'form' }),
      }).toString();
      const created = await curl('/client/set', form);
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expect(created.body).toMatchObject({
        fullname: 'ООО Ромашка',
        shortname: 'Ромашка',
        phone: { mobile: '+79001234567' },
        email: ['info@example.com'],
        info: { source: 'form' },
      });
      const multipart = await t.http
        .post('/api/v1/client/set')
        .set(bearer())
        .field('code', `${code}-m`)
        .field('name', JSON.stringify({ name: 'Multipart Client' }))
        .field('info', '{"source":"multipart"}');
      expect(multipart.status, JSON.stringify(multipart.body)).toBe(200);
      expect(multipart.body).toMatchObject({ fullname: 'Multipart Client', info: { source: 'multipart' } });
    });

    it('fields, search, filter and orderby as JSON text in a form and in the query string', async () => {
      const res = await curl(
        '/client/list',
        new URLSearchParams({ fields: '["id","code"]', filter: '{"fullname":"ООО Ромашка"}' }).toString(),
        `?orderby=${encodeURIComponent('["id DESC"]')}&reclimit=5`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.length).toBeGreaterThan(0);
      expect(Object.keys(res.body[0]).sort()).toEqual(['code', 'id']);
    });
  });

  describe('item 6: timestamps as epoch milliseconds or ISO 8601', () => {
    it('session/set/oper_date with milliseconds ("all time fields are in milliseconds"), ISO with an offset, digits in a form', async () => {
      const ms = Date.UTC(2020, 7, 12, 10, 30);
      const set = await signedPost(t, admin, '/session/set/oper_date', { oper_date: ms });
      expect(set.status).toBe(200);
      expect(new Date(set.body.oper_date).getTime()).toBe(ms);
      const iso = await signedPost(t, admin, '/session/set/oper_date', { oper_date: '2020-08-12T13:30:00+03:00' });
      expect(new Date(iso.body.oper_date).getTime()).toBe(ms);
      const form = await curl('/session/set/oper_date', `oper_date=${ms}`);
      expect(new Date(form.body.oper_date).getTime()).toBe(ms);
      expect((await signedPost(t, admin, '/session/set/oper_date', { oper_date: null })).body).toEqual({ oper_date: null });
    });

    it('event/log datefrom and dateto in milliseconds', async () => {
      const before = Date.now() - 60_000;
      const log = await signedPost(t, admin, '/event/log', { datefrom: before, dateto: Date.now() + 60_000 });
      expect(log.status).toBe(200);
      expect(log.body.length).toBeGreaterThan(0); // the sign-in above is in the log
      const none = await signedPost(t, admin, '/event/log', { dateto: before - 86_400_000 });
      expect(none.body).toEqual([]);
    });
  });
});
