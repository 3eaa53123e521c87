import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_ENV, signedPost, type Signed } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { callback, pinUpdate, SEED_HEADERS } from './portal.js';

const CLIENT = { id: 'mobile-app', secret: 'client-secret-0123456789abcdef' };
const PERSON = '381004a1-d925-11e8-9126-00155d640b22';
const OTHER = '481004a1-d925-11e8-9126-00155d640b23';
const ANDROID = 'Android; 9; google; Android SDK built for x86_64; Handset; Is Emulator; App Version: 0.7.3;';
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Seed 001 "Сессии авторизации": the list of a person's sessions and their removal, as written. */
describe('portal callbacks: a person’s sessions', () => {
  let t: TestApp;
  let ds: DataSource;
  const get = (id: string, headers: Record<string, string> = SEED_HEADERS) => t.http.get(`/api/v1/callback/sessions/${id}`).set(headers);
  const del = (path: string, headers: Record<string, string> = SEED_HEADERS) =>
    t.http.delete(`/api/v1/callback/sessions/${path}`).set(headers);
  /** A PIN sign-in from the mobile app, and the OAuth tokens its one-time code is exchanged for. */
  const signInWithTokens = async (tab_no: string, pin: string) => {
    const signed = (await t.http.post('/api/v1/sign/pin').set('User-Agent', ANDROID).send({ tab_no, pin })).body as Signed;
    const tokens = await t.http
      .post('/oauth2/token')
      .type('form')
      .send({ grant_type: 'authorization_code', client_id: CLIENT.id, client_secret: CLIENT.secret, code: signed.code });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    return { signed, access: tokens.body.access_token as string, refresh: tokens.body.refresh_token as string | undefined };
  };
  const sessionId = async (code: string) => Number((await ds.query(`SELECT id FROM session WHERE code = $1`, [code]))[0].id);

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...IDENTITY_ENV,
        CALLBACK_KEYS: 'osnova_callback',
        BOOTSTRAP_CLIENT_ID: CLIENT.id,
        BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
        BOOTSTRAP_CLIENT_REDIRECT_URIS: 'http://localhost:8080/oauth2/code',
        SESSION_CACHE_SECONDS: '0',
      },
    });
    ds = t.app.get(DataSource);
    expect(
      (await callback(t, 'pin/update', pinUpdate({ id_phperson: PERSON, tab_no: '2001', ad_login: 'a@osnova.ru', pin_code: '1111' })))
        .status,
    ).toBe(200);
    expect(
      (await callback(t, 'pin/update', pinUpdate({ id_phperson: OTHER, tab_no: '2002', ad_login: 'b@osnova.ru', pin_code: '2222' })))
        .status,
    ).toBe(200);
  });
  afterAll(() => t.close());

  it('GET /api/v1/callback/sessions/<id_phperson>: {"result": true, "data": [...]} in the seed’s fields and times', async () => {
    expect((await get(PERSON)).body).toEqual({ result: true, data: [] });
    const { signed } = await signInWithTokens('2001', '1111');
    const res = await get(PERSON);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      result: true,
      data: [
        {
          id: await sessionId(signed.session),
          user_agent: ANDROID,
          ip_address: expect.any(String),
          access_expire_at: expect.stringMatching(TIME),
          refresh_expire_at: expect.stringMatching(TIME),
          created_at: expect.stringMatching(TIME),
          updated_at: expect.stringMatching(TIME),
        },
      ],
    });
    const [row] = await ds.query(`SELECT to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS c FROM session WHERE code = $1`, [
      signed.session,
    ]);
    expect(res.body.data[0].created_at).toBe(row.c);
    // Another person's sessions are not theirs.
    expect((await get(OTHER)).body).toEqual({ result: true, data: [] });
  });

  it('DELETE ?session_id=<id> closes that session: its signatures, access token and refresh token are refused afterwards', async () => {
    const keep = await signInWithTokens('2001', '1111');
    const gone = await signInWithTokens('2001', '1111');
    expect((await signedPost(t, gone.signed, '/whoami')).status).toBe(200);
    expect((await t.http.get('/api/v1/whoami').set('Authorization', `Bearer ${gone.access}`)).status).toBe(200);

    const res = await del(`${PERSON}?session_id=${await sessionId(gone.signed.session)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: true });

    expect((await signedPost(t, gone.signed, '/whoami')).status).toBe(401);
    expect((await t.http.get('/api/v1/whoami').set('Authorization', `Bearer ${gone.access}`)).status).toBe(401);
    expect(gone.refresh).toEqual(expect.any(String));
    const refreshed = await t.http
      .post('/oauth2/token')
      .type('form')
      .send({ grant_type: 'refresh_token', client_id: CLIENT.id, client_secret: CLIENT.secret, refresh_token: gone.refresh });
    expect(refreshed.body.error).toBe('invalid_grant');
    expect((await t.http.get('/api/v1/whoami').set('Authorization', `Bearer ${keep.access}`)).status).toBe(200);
    const ids = (await get(PERSON)).body.data.map((s: { id: number }) => s.id);
    expect(ids).toContain(await sessionId(keep.signed.session));
    expect(ids).not.toContain(await sessionId(gone.signed.session));
    const [log] = await ds.query(`SELECT text FROM event_log WHERE session = $1 ORDER BY id DESC LIMIT 1`, [gone.signed.session]);
    expect(log.text).toBe('Signed out by the intranet portal');

    // Closed already, or somebody else's: not found.
    const again = await del(`${PERSON}?session_id=${await sessionId(gone.signed.session)}`);
    expect([again.status, again.body]).toEqual([404, { result: false, error: 'Session not found.' }]);
    const theirs = await del(`${OTHER}?session_id=${await sessionId(keep.signed.session)}`);
    expect([theirs.status, theirs.body]).toEqual([404, { result: false, error: 'Session not found.' }]);
    expect((await t.http.get('/api/v1/whoami').set('Authorization', `Bearer ${keep.access}`)).status).toBe(200);
  });

  it('DELETE ?all=1 closes every session of the person, and only theirs', async () => {
    const a = await signInWithTokens('2001', '1111');
    const other = await signInWithTokens('2002', '2222');
    const res = await del(`${PERSON}?all=1`);
    expect(res.body).toEqual({ result: true });
    expect((await get(PERSON)).body).toEqual({ result: true, data: [] });
    expect((await signedPost(t, a.signed, '/whoami')).status).toBe(401);
    expect((await t.http.get('/api/v1/whoami').set('Authorization', `Bearer ${a.access}`)).status).toBe(401);
    expect((await signedPost(t, other.signed, '/whoami')).status).toBe(200);
    // Nothing left to close is still a success.
    expect((await del(`${PERSON}?all=1`)).body).toEqual({ result: true });
  });

  it('an unknown person: {"result": false, "error": "User not found."}; bad parameters: 422; a wrong key: 401', async () => {
    const unknown = await get('no-such-person');
    expect([unknown.status, unknown.body]).toEqual([404, { result: false, error: 'User not found.' }]);
    const unknownDelete = await del('no-such-person?all=1');
    expect([unknownDelete.status, unknownDelete.body]).toEqual([404, { result: false, error: 'User not found.' }]);

    const neither = await del(PERSON);
    expect([neither.status, neither.body]).toEqual([422, { result: false, session_id: ['Give either session_id or all=1.'] }]);
    const both = await del(`${PERSON}?session_id=1&all=1`);
    expect(both.status).toBe(422);
    const badId = await del(`${PERSON}?session_id=abc`);
    expect([badId.status, badId.body]).toEqual([422, { result: false, session_id: ['The session_id must be a positive integer.'] }]);
    const badAll = await del(`${PERSON}?all=yes`);
    expect([badAll.status, badAll.body]).toEqual([422, { result: false, all: ['The all must be 1.'] }]);
    const long = await get('x'.repeat(101));
    expect([long.status, long.body]).toEqual([
      422,
      { result: false, id_phperson: ['The id_phperson may not be greater than 100 characters.'] },
    ]);

    const { 'X-Callback-Key': _, ...noKey } = SEED_HEADERS;
    expect((await get(PERSON, noKey)).body).toEqual({ result: false, error: 'Invalid callback key.' });
    const wrong = await del(`${PERSON}?all=1`, { ...SEED_HEADERS, 'X-Callback-Key': 'wrong-key-123' });
    expect([wrong.status, wrong.body]).toEqual([401, { result: false, error: 'Invalid callback key.' }]);
  });
});
