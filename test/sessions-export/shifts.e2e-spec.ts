import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, IDENTITY_ENV, type Signed, signedHeaders, signedPost, signIn } from '../support/identity.js';
import { adminQuery } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'device-secret-0123456789abcdef';
const ITEM_KEYS = ['sessionId', 'userId', 'firstName', 'lastName', 'middleName', 'begOffice', 'endOffice', 'begTime', 'endTime'];
const LOCAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/;

/** SQL on the test database, beside the app's pool. */
const sql = (t: TestApp, text: string, values: unknown[] = []) => adminQuery(t.db.url, text, values);

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');

/** Offices, shifts by scanning seed 004 codes at an office's device, and seed 000's export. */
describe('Work shifts and the CompanySessions export (seed 000)', () => {
  let t: TestApp;
  let admin: Signed;
  let device: string;
  const users: Record<string, Signed> = {};
  const qr = async (s: Signed) => {
    const { body: _b, ...headers } = signedHeaders(s, '/api/qr');
    return (await t.http.get('/api/qr').set(headers)).body.code as string;
  };
  const scan = (code: string, office = 'azs-1', bearer = device) =>
    t.http.post('/api/v1/shift/scan').set('authorization', `Bearer ${bearer}`).send({ code, office });
  const exportAs = (token: string, query = '') => t.http.get(`/api/CompanySessions/${query}`).set('authorization', token);

  beforeAll(async () => {
    t = await startTestApp({
      env: { ...IDENTITY_ENV, BOOTSTRAP_CLIENT_ID: 'device', BOOTSTRAP_CLIENT_SECRET: SECRET, QR_GETUSER_RATE_LIMIT: '0' },
    });
    admin = await signIn(t, ADMIN);
    const offices = [
      { code: 'azs-1', name: 'Офис 1', timezone: 'Europe/Moscow', device_client: 'device' },
      { code: 'azs-2', name: 'Офис 2', timezone: 'Asia/Yekaterinburg' },
    ];
    for (const o of offices) expect((await signedPost(t, admin, '/office/set', o)).status).toBe(200);
    const people = [
      {
        username: 'ivan',
        email: 'ivan@example.com',
        name: { name: 'Иванов Иван Иванович', first: 'Иван', last: 'Иванов', middle: 'Иванович' },
      },
      { username: 'petr', email: 'petr@example.com', name: { first: 'Пётр', last: 'Петров' } },
      { username: 'olga', email: 'olga@example.com', name: { first: 'Ольга', last: 'Смирнова' } },
      { username: 'nina', email: 'nina@example.com', name: { first: 'Нина', last: 'Козлова' } },
    ];
    for (const p of people) {
      expect((await signedPost(t, admin, '/sign/up', { ...p, password: `${p.username}-password-1` })).status).toBe(200);
      users[p.username] = await signIn(t, { username: p.username, password: `${p.username}-password-1` });
    }
    await sql(
      t,
      `INSERT INTO user_group_member (user_id, group_id) SELECT u.id, g.id FROM app_user u, user_group g WHERE u.username IN ('olga', 'nina') AND g.code = 'manager'`,
    );
    const token = await t.http
      .post('/oauth2/token')
      .auth('device', SECRET)
      .type('form')
      .send({ grant_type: 'client_credentials', scope: 'api' });
    device = token.body.access_token as string;
  });
  afterAll(() => t.close());

  it('office is an essence: /api/v1/office/get answers its code, name, time zone and device', async () => {
    const res = await signedPost(t, admin, '/office/list', {});
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('Asia/Yekaterinburg');
    const bad = await signedPost(t, admin, '/office/set', { code: 'azs-3', timezone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
  });

  it("the office's device scans a code: the shift begins; the same scan again changes nothing; later it ends the shift", async () => {
    const code = await qr(users.ivan);
    const begun = await scan(code);
    expect(begun.status).toBe(200);
    expect(begun.body.action).toBe('begin');
    expect(Object.keys(begun.body.shift)).toEqual(ITEM_KEYS);
    expect(begun.body.shift).toMatchObject({
      firstName: 'Иван',
      lastName: 'Иванов',
      middleName: 'Иванович',
      begOffice: 'Офис 1',
      endTime: null,
    });
    const again = await scan(code);
    expect(again.body).toMatchObject({ action: 'none', shift: { sessionId: begun.body.shift.sessionId } });

    await sql(t, `UPDATE shift_session SET beg_time = beg_time - interval '2 hours', beg_local = beg_local - interval '2 hours'`);
    const ended = await scan(code);
    expect(ended.body.action).toBe('end');
    expect(ended.body.shift).toMatchObject({
      sessionId: begun.body.shift.sessionId,
      endOffice: 'Офис 1',
      endTime: expect.stringMatching(LOCAL),
    });
    // Local time of the office (Moscow, UTC+3), no offset.
    const [row] = await sql(
      t,
      `SELECT to_char(end_time AT TIME ZONE 'Europe/Moscow', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS local FROM shift_session`,
    );
    expect(ended.body.shift.endTime).toBe(row.local);
  });

  it('two concurrent scans of one code leave one open shift', async () => {
    const code = await qr(users.petr);
    const results = await Promise.all([scan(code), scan(code), scan(code)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.map((r) => r.body.action as string).sort()).toEqual(['begin', 'none', 'none']);
    const open = await sql(
      t,
      `SELECT s.id FROM shift_session s JOIN app_user u ON u.id = s.user_id WHERE u.username = 'petr' AND s.end_time IS NULL`,
    );
    expect(open).toHaveLength(1);
  });

  it("scanning: another office's device 403; a bad code the seed's code in the platform envelope; an unknown office 404", async () => {
    const code = await qr(users.olga);
    expect((await scan(code, 'azs-2')).status).toBe(403);
    const unknownCode = await scan('A'.repeat(32));
    expect(unknownCode.status).toBe(404);
    expect(unknownCode.body.error.code).toBe(102);
    expect((await scan('', 'azs-1')).body.error.code).toBe(101);
    expect((await scan(code, 'nowhere')).status).toBe(404);
    const asUser = await t.http
      .post('/api/v1/shift/scan')
      .set(signedHeaders(users.olga, '/shift/scan', { code, office: 'azs-1' }))
      .send(JSON.stringify({ code, office: 'azs-1' }));
    expect(asUser.status).toBe(403);
  });

  it('begin and end for oneself; one open shift at a time (409)', async () => {
    const begun = await signedPost(t, users.olga, '/shift/begin', { office: 'azs-2' });
    expect(begun.status).toBe(200);
    expect(begun.body.begOffice).toBe('Офис 2');
    expect((await signedPost(t, users.olga, '/shift/begin', { office: 'azs-2' })).status).toBe(409);
    const ended = await signedPost(t, users.olga, '/shift/end', { office: 'azs-1' });
    expect(ended.body).toMatchObject({ sessionId: begun.body.sessionId, begOffice: 'Офис 2', endOffice: 'Офис 1' });
    expect((await signedPost(t, users.olga, '/shift/end', { office: 'azs-1' })).status).toBe(409);
    // Another user's shift needs a manager or the device: petr may not begin olga's.
    const code = await qr(users.olga);
    expect((await signedPost(t, users.petr, '/shift/begin', { office: 'azs-1', code })).status).toBe(403);
  });

  it('the seed 000 flow: generatetoken, then CompanySessions with and without each parameter', async () => {
    const login = await t.http.post('/account/generatetoken').send({ username: 'olga@example.com', pswd: 'olga-password-1' });
    expect(login.status).toBe(200);
    const token = login.body.token as string;

    const all = await exportAs(token);
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toMatch(/^application\/json/);
    const items = all.body as Record<string, unknown>[];
    expect(items.length).toBe(3);
    for (const item of items) {
      expect(Object.keys(item)).toEqual(ITEM_KEYS);
      expect(item.userId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(item.begTime).toMatch(LOCAL);
    }
    // Seed 000: generatetoken gives the user's own unique id, the one the export shows as userId (a UUID).
    expect(login.body.userId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(items.filter((i) => i.userId === login.body.userId).map((i) => i.firstName)).toEqual(['Ольга']);
    expect((await exportAs(`Bearer ${token}`)).body).toEqual(items);
    expect((await t.http.post('/api/CompanySessions/').set('authorization', token)).body).toEqual(items);

    // An old shift: outside the default seven days, inside an explicit period.
    await sql(
      t,
      `INSERT INTO shift_session (user_id, user_uuid, first_name, last_name, beg_office_id, beg_office, beg_time, beg_local)
       SELECT u.id, u.uuid, 'Старый', 'Сотрудник', r.id, 'Офис 2', now() - interval '10 days', now() - interval '10 days'
         FROM app_user u, reference r WHERE u.username = 'ivan' AND r.code = 'azs-2'`,
    );
    expect((await exportAs(token)).body).toHaveLength(3);
    const period = await exportAs(token, `?begTime=${day(-11)}&endTime=${day(0)}`);
    expect(period.body).toHaveLength(4);
    expect((await exportAs(token, `?begTime=${day(-10)}&endTime=${day(-10)}`)).body).toHaveLength(1);
    expect((await exportAs(token, `?endTime=${day(-9)}`)).body).toHaveLength(1);
    expect((await exportAs(token, `?begTime=${day(-9)}`)).body).toHaveLength(3);

    const office2 = await exportAs(token, `?begTime=${day(-11)}&officeId=${encodeURIComponent('Офис 2')}`);
    expect(
      (office2.body as { begOffice: string; endOffice: string }[]).every((i) => i.begOffice === 'Офис 2' || i.endOffice === 'Офис 2'),
    ).toBe(true);
    expect(office2.body).toHaveLength(2);
    const both = await exportAs(token, `?begTime=${day(-11)}&officeId=${encodeURIComponent(JSON.stringify(['Офис 1', 'Офис 2']))}`);
    expect(both.body).toHaveLength(4);
    const repeated = await exportAs(
      token,
      `?begTime=${day(-11)}&officeId=${encodeURIComponent('Офис 1')}&officeId=${encodeURIComponent('Офис 2')}`,
    );
    expect(repeated.body).toEqual(both.body);

    const csv = await t.http
      .get(`/api/CompanySessions/?begTime=${day(-11)}`)
      .set('authorization', token)
      .set('accept', 'text/csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(ITEM_KEYS.join(','));
    expect(lines).toHaveLength(5);
  });

  it.each([
    ['a bad date', '?begTime=2018-08-17', 'begTime'],
    ['an impossible date', '?endTime=20180231', 'endTime'],
    ['a reversed period', '?begTime=20180818&endTime=20180817', 'begTime'],
    ['an unknown office', `?officeId=${encodeURIComponent('Офис 9')}`, 'officeId'],
    ['a broken JSON array', '?officeId=%5B%22a', 'officeId'],
  ])('%s: 400 in the contract envelope', async (_case, query, field) => {
    const token = (await t.http.post('/account/generatetoken').send({ username: 'olga@example.com', pswd: 'olga-password-1' })).body
      .token as string;
    const res = await exportAs(token, query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(400);
    expect(res.body.error.fields[field]).toBeDefined();
  });

  it("a manager exports only the offices they may see; a hidden office's name is as unknown as none", async () => {
    // nina is a manager, but an object mask takes 's' on Офис 2 away from her: /office/list does not show it.
    await sql(
      t,
      `INSERT INTO acl_object (object_id, user_id, deny) SELECT r.id, u.id, 's' FROM reference r, app_user u WHERE r.code = 'azs-2' AND u.username = 'nina'`,
    );
    await sql(
      t,
      `INSERT INTO shift_session (user_id, user_uuid, first_name, last_name, beg_office_id, beg_office, beg_time, beg_local)
       SELECT u.id, u.uuid, 'Только', 'Второй', r.id, 'Офис 2', now() - interval '1 day', now() - interval '1 day'
         FROM app_user u, reference r WHERE u.username = 'nina' AND r.code = 'azs-2'`,
    );
    const tokenOf = async (username: string) =>
      (await t.http.post('/account/generatetoken').send({ username: `${username}@example.com`, pswd: `${username}-password-1` })).body
        .token as string;
    const [olga, nina] = [await tokenOf('olga'), await tokenOf('nina')];
    const period = `?begTime=${day(-11)}`;
    const office1 = `officeId=${encodeURIComponent('Офис 1')}`;

    const everything = (await exportAs(olga, period)).body as { lastName: string; begOffice: string; endOffice: string | null }[];
    expect(everything.some((i) => i.lastName === 'Второй')).toBe(true);
    const seen = await exportAs(nina, period);
    expect(seen.status).toBe(200);
    const items = seen.body as typeof everything;
    expect(items.length).toBeGreaterThan(0);
    expect(items.some((i) => i.lastName === 'Второй')).toBe(false);
    expect(items.every((i) => i.begOffice === 'Офис 1' || i.endOffice === 'Офис 1')).toBe(true);
    expect(items).toEqual((await exportAs(olga, `${period}&${office1}`)).body);
    expect((await exportAs(nina, `${period}&${office1}`)).body).toEqual(items);

    // The name of an office she may not see answers exactly as an unknown name: no existence oracle.
    const unknown = await exportAs(nina, `?officeId=${encodeURIComponent('Офис 9')}`);
    for (const query of [
      `?officeId=${encodeURIComponent('Офис 2')}`,
      `?officeId=${encodeURIComponent(JSON.stringify(['Офис 1', 'Офис 2']))}`,
    ]) {
      const hidden = await exportAs(nina, query);
      expect(hidden.status).toBe(400);
      expect(JSON.stringify(hidden.body.error).replaceAll('Офис 2', 'X')).toBe(
        JSON.stringify(unknown.body.error).replaceAll('Офис 9', 'X'),
      );
    }
    expect((await exportAs(olga, `?officeId=${encodeURIComponent('Офис 2')}`)).status).toBe(200);
  });

  it('a non-manager is refused (403); no token 401', async () => {
    const token = (await t.http.post('/account/generatetoken').send({ username: 'ivan@example.com', pswd: 'ivan-password-1' })).body
      .token as string;
    const res = await exportAs(token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe(403);
    expect((await t.http.get('/api/CompanySessions/')).status).toBe(401);
  });
});
