import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, IDENTITY_ENV, signedPost, signIn } from '../support/identity.js';
import { adminQuery } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ITEM_KEYS = ['sessionId', 'userId', 'firstName', 'lastName', 'middleName', 'begOffice', 'endOffice', 'begTime', 'endTime'];
const BULK = 30_000;
const POOL = 3;

/** Names that JSON must escape, or that a byte-level transform could get wrong. */
const NAMES = [
  'Он сказал "да"',
  'back\\slash \\n not a newline',
  'line\nbreak',
  'cr\r\nlf',
  'tab\there',
  'emoji 😀👩‍👩‍👧 end',
  'Ёлка-Щука ЪЫЬ',
  'ctrl \u0001\u0002\u0007\u001f\u007f',
  'sep, semi; [brackets] {braces}',
  'unicode \u2028\u2029 separators',
  "apostrophe ' and '' and \\'",
  '',
];

/** SQL on the test database, beside the app's pool. */
const sql = (t: TestApp, text: string, values: unknown[] = []) => adminQuery(t.db.url, text, values);

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');

/** The export's bytes: escaping, chunk boundaries, the empty array, and a client that goes away mid-stream. */
describe('CompanySessions export: the JSON bytes', () => {
  let t: TestApp;
  let token: string;
  const exportText = async (query: string) => {
    const res = await t.http
      .get(`/api/CompanySessions/${query}`)
      .set('authorization', token)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
    return res.body as string;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { ...IDENTITY_ENV, DB_POOL_SIZE: String(POOL) } });
    const admin = await signIn(t, ADMIN);
    expect((await signedPost(t, admin, '/office/set', { code: 'azs-1', name: 'Офис "1" \\ ☕', timezone: 'Europe/Moscow' })).status).toBe(
      200,
    );
    await sql(t, `UPDATE app_user SET email = 'admin@example.com' WHERE username = 'admin'`);
    token = (await t.http.post('/account/generatetoken').send({ username: 'admin@example.com', pswd: ADMIN.password })).body
      .token as string;
    // Yesterday: one shift per awkward name (as first, last and middle name), one of them still open.
    await sql(
      t,
      `INSERT INTO shift_session (user_id, user_uuid, first_name, last_name, middle_name, beg_office_id, beg_office, beg_time, beg_local,
                                  end_office_id, end_office, end_time, end_local)
       SELECT u.id, u.uuid, n, reverse(n), CASE WHEN i % 2 = 0 THEN NULL ELSE n END, r.id, r.name,
              b, b AT TIME ZONE 'Europe/Moscow',
              CASE WHEN i = 1 THEN NULL ELSE r.id END, CASE WHEN i = 1 THEN NULL ELSE r.name END,
              CASE WHEN i = 1 THEN NULL ELSE b + interval '1 hour' END,
              CASE WHEN i = 1 THEN NULL ELSE (b + interval '1 hour') AT TIME ZONE 'Europe/Moscow' END
         FROM app_user u, (SELECT id, name FROM reference WHERE code = 'azs-1') r,
              LATERAL (SELECT n, i, now() - interval '1 day' + i * interval '1 second' AS b
                         FROM unnest($1::text[]) WITH ORDINALITY AS x(n, i)) s
        WHERE u.username = 'admin'`,
      [NAMES],
    );
    // Twenty days ago: many shifts, so the export spans many chunks (and a client can leave in the middle).
    await sql(
      t,
      `INSERT INTO shift_session (user_id, user_uuid, first_name, last_name, middle_name, beg_office_id, beg_office, beg_time, beg_local,
                                  end_office_id, end_office, end_time, end_local)
       SELECT u.id, u.uuid, 'Иван ' || g, 'Иванов', 'Иванович', r.id, r.name, b, b AT TIME ZONE 'Europe/Moscow',
              r.id, r.name, b + interval '1 hour', (b + interval '1 hour') AT TIME ZONE 'Europe/Moscow'
         FROM app_user u, (SELECT id, name FROM reference WHERE code = 'azs-1') r,
              LATERAL (SELECT g, now() - interval '20 days' + g * interval '10 milliseconds' AS b FROM generate_series(1, $1::int) g) s
        WHERE u.username = 'admin'`,
      [BULK],
    );
  });
  afterAll(() => t.close());

  it('awkward names come out as compact JSON, exactly as JSON.stringify writes the same items', async () => {
    const text = await exportText('');
    const items = JSON.parse(text) as Record<string, string | null>[];
    expect(text).toBe(JSON.stringify(items));
    expect(items).toHaveLength(NAMES.length);
    const expected = await sql(
      t,
      `SELECT id AS "sessionId", user_uuid AS "userId", first_name AS "firstName", last_name AS "lastName", middle_name AS "middleName",
              beg_office AS "begOffice", end_office AS "endOffice",
              to_char(beg_local, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "begTime", to_char(end_local, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "endTime"
         FROM shift_session WHERE beg_time > now() - interval '2 days' ORDER BY beg_local, id`,
    );
    expect(text).toBe(JSON.stringify(expected));
    items.forEach((item, i) => {
      expect(Object.keys(item)).toEqual(ITEM_KEYS);
      expect(item.firstName).toBe(NAMES[i]);
      expect(item.lastName).toBe([...NAMES[i]].reverse().join(''));
      expect(item.middleName).toBe(i % 2 === 1 ? null : NAMES[i]);
      expect(item.begOffice).toBe('Офис "1" \\ ☕');
    });
    expect(items[0]).toMatchObject({ endOffice: null, endTime: null });
  });

  it('an empty period is []', async () => {
    expect(await exportText(`?begTime=${day(-100)}&endTime=${day(-99)}`)).toBe('[]');
  });

  it('many rows: one valid array across chunk boundaries, in begin order', async () => {
    const text = await exportText(`?begTime=${day(-21)}&endTime=${day(-19)}`);
    const items = JSON.parse(text) as { firstName: string; begTime: string }[];
    expect(text).toBe(JSON.stringify(items));
    expect(items).toHaveLength(BULK);
    expect(items[0].firstName).toBe('Иван 1');
    expect(items[BULK - 1].firstName).toBe(`Иван ${BULK}`);
    expect(items.every((item, i) => i === 0 || items[i - 1].begTime <= item.begTime)).toBe(true);
  });

  it('a client that leaves mid-export frees its connection: more departures than the pool, then a full export', async () => {
    const url = new URL(`${t.baseUrl}/api/CompanySessions/?begTime=${day(-21)}&endTime=${day(-19)}`);
    for (let i = 0; i < POOL + 2; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(url, { headers: { authorization: token } }, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
      });
    }
    const items = JSON.parse(await exportText(`?begTime=${day(-21)}&endTime=${day(-19)}`)) as unknown[];
    expect(items).toHaveLength(BULK);
  });
});
