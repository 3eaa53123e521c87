import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_ENV, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { callback, pinUpdate, SEED_HEADERS } from './portal.js';

const PIN_ENV = {
  ...IDENTITY_ENV,
  CALLBACK_KEYS: 'osnova_callback, rotated_callback_key',
  AUTH_PIN_LOCK_THRESHOLD: '3',
  AUTH_LOCK_THRESHOLD: '5',
};

/** Seed 001 "POST /api/v1/callback/pin/update", its error format, and what the PIN is for (the PIN sign-in). */
describe('portal callbacks: pin/update and the PIN sign-in', () => {
  let t: TestApp;
  let ds: DataSource;
  beforeAll(async () => {
    t = await startTestApp({ env: PIN_ENV });
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('the seed request registers the person: {"result": true}, a user, a PIN kept as argon2id; the PIN signs in by tab_no or e-mail', async () => {
    const res = await callback(t, 'pin/update', pinUpdate());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: true });
    const [user] = await ds.query(
      `SELECT u.username, u.email, u.pin_hash AS "pinHash" FROM portal_person p JOIN app_user u ON u.id = p.user_id WHERE p.id_phperson = $1`,
      ['381004a1-d925-11e8-9126-00155d640b22'],
    );
    expect(user).toMatchObject({ username: 'ivanov@osnova.ru', email: 'ivanov@osnova.ru' });
    expect(user.pinHash).toMatch(/^\$argon2id\$/);

    const byTabNo = await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0001234', pin: '1234' });
    expect(byTabNo.status).toBe(200);
    expect(byTabNo.body).toEqual({
      session: expect.stringMatching(/^[0-9a-f]{40}$/),
      code: expect.any(String),
      secret: expect.any(String),
    });
    const whoami = await signedPost(t, byTabNo.body, '/whoami');
    expect(whoami.status).toBe(200);
    expect(whoami.body.profile.username).toBe('ivanov@osnova.ru');
    expect((await t.http.post('/api/v1/sign/pin').send({ email: 'IVANOV@osnova.ru', pin: 1234 })).status).toBe(200);
  });

  it('a repeated call with the same data is harmless; a new PIN replaces the old one', async () => {
    const again = await callback(t, 'pin/update', pinUpdate());
    expect(again.body).toEqual({ result: true });
    expect(await ds.query(`SELECT count(*)::int AS n FROM portal_person`)).toEqual([{ n: 1 }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM app_user WHERE email = 'ivanov@osnova.ru'`)).toEqual([{ n: 1 }]);
    expect((await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0001234', pin: '1234' })).status).toBe(200);

    expect((await callback(t, 'pin/update', pinUpdate({ pin_code: '0042' }))).body).toEqual({ result: true });
    expect((await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0001234', pin: '1234' })).status).toBe(401);
    // The seed types the PIN as a number: 42 is the PIN 0042.
    expect((await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0001234', pin: 42 })).status).toBe(200);
    expect((await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0001234', pin: '0042' })).status).toBe(200);
  });

  it('links a person to the existing user with the e-mail ad_login (its password keeps working)', async () => {
    const admin = await signIn(t, { username: 'admin', password: 'admin-password-1' });
    const up = await signedPost(t, admin, '/sign/up', { email: 'petrov@osnova.ru', password: 'petrov-password-1' });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    const res = await callback(
      t,
      'pin/update',
      pinUpdate({ id_phperson: 'a2', tab_no: '00-0000002', ad_login: 'petrov@osnova.ru', pin_code: '7777' }),
    );
    expect(res.body).toEqual({ result: true });
    const pin = await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0000002', pin: '7777' });
    const password = await signIn(t, { email: 'petrov@osnova.ru', password: 'petrov-password-1' });
    expect((await signedPost(t, pin.body, '/whoami')).body.profile.id).toBe((await signedPost(t, password, '/whoami')).body.profile.id);
  });

  it('a tab_no or ad_login of another person: 409 in the seed envelope, nothing written', async () => {
    const res = await callback(t, 'pin/update', pinUpdate({ id_phperson: 'a3', ad_login: 'sidorov@osnova.ru', pin_code: '1111' }));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      result: false,
      error: 'The tab_no 00-0001234 belongs to another person (381004a1-d925-11e8-9126-00155d640b22).',
    });
    const email = await callback(t, 'pin/update', pinUpdate({ id_phperson: 'a3', tab_no: '00-0000003', ad_login: 'petrov@osnova.ru' }));
    expect(email.status).toBe(409);
    expect(email.body.result).toBe(false);
    expect(await ds.query(`SELECT count(*)::int AS n FROM app_user WHERE email = 'sidorov@osnova.ru'`)).toEqual([{ n: 0 }]);
  });

  it('validation: 422 {"result": false, "<field>": [...]} with one key per failing field', async () => {
    const empty = await callback(t, 'pin/update', {});
    expect(empty.status).toBe(422);
    expect(empty.body).toEqual({
      result: false,
      id_phperson: ['The id_phperson field is required.'],
      tab_no: ['The tab_no field is required.'],
      ad_login: ['The ad_login field is required.'],
      pin_code: ['The pin_code field is required.'],
      created_at: ['The created_at field is required.'],
    });
    const bad = await callback(
      t,
      'pin/update',
      pinUpdate({ id_phperson: 7, tab_no: 'x'.repeat(51), ad_login: 'not-an-email', pin_code: 12345, created_at: '2019-02-30 10:00:00' }),
    );
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({
      result: false,
      id_phperson: ['The id_phperson must be a string.'],
      tab_no: ['The tab_no may not be greater than 50 characters.'],
      ad_login: ['The ad_login must be a valid email address.'],
      pin_code: ['The pin_code must be 4 digits.'],
      created_at: ['The created_at is not a valid date (YYYY-MM-DD HH:MM:SS, ISO 8601, DD.MM.YYYY or epoch milliseconds).'],
    });
    for (const pin_code of ['123', '12a4', 1.5, -1, 10000, true]) {
      const res = await callback(t, 'pin/update', pinUpdate({ pin_code }));
      expect([res.status, res.body]).toEqual([422, { result: false, pin_code: ['The pin_code must be 4 digits.'] }]);
    }
    const extra = await callback(t, 'pin/update', pinUpdate({ admin: true }));
    expect([extra.status, extra.body]).toEqual([422, { result: false, admin: ['property admin should not exist'] }]);
    const nul = await callback(t, 'pin/update', pinUpdate({ tab_no: 'a\u0000b' }));
    expect([nul.status, nul.body.result, Object.keys(nul.body)]).toEqual([422, false, ['result', 'tab_no']]);
    // Any other error: {"result": false, "error": ...}
    const malformed = await t.http.post('/api/v1/callback/pin/update').set(SEED_HEADERS).send('{"id_phperson":');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ result: false, error: expect.any(String) });
  });

  it('a wrong or missing X-Callback-Key: 401 {"result": false, "error": ...} before any validation; every configured key is accepted', async () => {
    const wrong = await callback(t, 'pin/update', pinUpdate(), { ...SEED_HEADERS, 'X-Callback-Key': 'osnova_callbacK' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ result: false, error: 'Invalid callback key.' });
    const { 'X-Callback-Key': _, ...noKey } = SEED_HEADERS;
    expect((await callback(t, 'pin/update', {}, noKey)).body).toEqual({ result: false, error: 'Invalid callback key.' });
    const rotated = await callback(t, 'pin/update', pinUpdate(), { ...SEED_HEADERS, 'X-Callback-Key': 'rotated_callback_key' });
    expect(rotated.body).toEqual({ result: true });
    // A user token is no way in.
    const admin = await signIn(t, { username: 'admin', password: 'admin-password-1' });
    const signed = await signedPost(t, admin, '/callback/pin/update', pinUpdate());
    expect(signed.status).toBe(401);
    // Unknown routes under the prefix speak the seed's envelope too.
    expect((await callback(t, 'nothing/here', {})).body).toEqual({ result: false, error: 'Not Found' });
  });

  it('the PIN sign-in locks the account after AUTH_PIN_LOCK_THRESHOLD wrong PINs (fewer than the password threshold)', async () => {
    expect(
      (
        await callback(
          t,
          'pin/update',
          pinUpdate({ id_phperson: 'a4', tab_no: '00-0000004', ad_login: 'lock@osnova.ru', pin_code: '2468' }),
        )
      ).status,
    ).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0000004', pin: '0000' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 401, message: expect.any(String) } });
    }
    // A success resets the count, as for passwords.
    expect((await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0000004', pin: '2468' })).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0000004', pin: '0000' })).status).toBe(401);
    const locked = await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0000004', pin: '2468' });
    expect(locked.status).toBe(403);
    const [row] = await ds.query(`SELECT status FROM app_user WHERE email = 'lock@osnova.ru'`);
    expect(row.status).toBe('locked');
    const log = await ds.query(
      `SELECT text FROM event_log e JOIN app_user u ON u.id = e.user_id WHERE u.email = 'lock@osnova.ru' ORDER BY e.id`,
    );
    expect(log.map((r: { text: string }) => r.text)).toContain('Account locked for 30 min after 3 wrong passwords or PINs');

    // Three wrong passwords do not lock (AUTH_LOCK_THRESHOLD is 5).
    for (let i = 0; i < 3; i++)
      expect((await t.http.post('/api/v1/sign/in').send({ email: 'petrov@osnova.ru', password: 'wrong-password' })).status).toBe(401);
    expect((await t.http.post('/api/v1/sign/in').send({ email: 'petrov@osnova.ru', password: 'petrov-password-1' })).status).toBe(200);
  });

  it('the PIN sign-in: an unknown person is 401 like a wrong PIN; bad input is a 400 in the platform envelope', async () => {
    const unknown = await t.http.post('/api/v1/sign/pin').send({ tab_no: 'nobody', pin: '1234' });
    expect(unknown.status).toBe(401);
    const both = await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0001234', email: 'ivanov@osnova.ru', pin: '1234' });
    expect(both.status).toBe(400);
    expect(both.body.error.fields).toEqual({ tab_no: ['exactly one of tab_no or email is required'] });
    const pin = await t.http.post('/api/v1/sign/pin').send({ tab_no: '00-0001234', pin: '12' });
    expect(pin.body.error.fields).toEqual({ pin: ['The pin must be 4 digits.'] });
  });
});

describe('portal callbacks: keys from configuration', () => {
  it('no CALLBACK_KEYS: the routes are off (404, the seed envelope); after a rotation the old key is refused', async () => {
    const off = await startTestApp({ env: IDENTITY_ENV });
    try {
      const res = await callback(off, 'pin/update', pinUpdate());
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ result: false, error: 'Not Found' });
    } finally {
      await off.close();
    }
    const rotated = await startTestApp({ env: { ...IDENTITY_ENV, CALLBACK_KEYS: 'rotated_callback_key' } });
    try {
      expect((await callback(rotated, 'pin/update', pinUpdate())).status).toBe(401);
      const res = await callback(rotated, 'pin/update', pinUpdate(), { ...SEED_HEADERS, 'X-Callback-Key': 'rotated_callback_key' });
      expect(res.body).toEqual({ result: true });
    } finally {
      await rotated.close();
    }
  });
});

describe('portal callbacks: Swagger', () => {
  it('documents every callback route with the X-Callback-Key scheme and the seed envelope (422 per field, errors as result/error)', async () => {
    const t = await startTestApp({ env: { ...IDENTITY_ENV, CALLBACK_KEYS: 'osnova_callback' } });
    try {
      const doc = (await t.http.get('/docs/json')).body;
      expect(doc.components.securitySchemes['callback-key']).toEqual(
        expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Callback-Key' }),
      );
      const operations = [
        doc.paths['/api/v1/callback/pin/update'].post,
        doc.paths['/api/v1/callback/portal/push/events'].post,
        doc.paths['/api/v1/callback/sessions/{id_phperson}'].get,
        doc.paths['/api/v1/callback/sessions/{id_phperson}'].delete,
      ];
      for (const op of operations) {
        expect(op.tags).toEqual(['callbacks']);
        expect(op.security).toEqual([{ 'callback-key': [] }]);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '404', '422']));
        expect(op.responses['401'].content['application/json'].schema.$ref).toBe('#/components/schemas/CallbackErrorDto');
        expect(op.responses['422'].content['application/json'].schema.additionalProperties).toEqual({
          type: 'array',
          items: { type: 'string' },
        });
      }
      expect(doc.components.schemas.PinUpdateDto.required).toEqual(['id_phperson', 'tab_no', 'ad_login', 'pin_code', 'created_at']);
      expect(doc.components.schemas.PushEventDto.properties.type.enum).toEqual(['push', 'kip_new', 'kip_comment', 'kip_update']);
      expect(doc.paths['/api/v1/sign/pin'].post.security).toEqual([]);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/v1/notification/list', '/api/v1/notification/count', '/api/v1/notification/set']),
      );
    } finally {
      await t.close();
    }
  });
});
