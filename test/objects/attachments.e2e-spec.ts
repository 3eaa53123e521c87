import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, IDENTITY_ENV, type Signed, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** FILE_MAX_BYTES of this suite: small, so "over the limit" is cheap to send. */
const FILE_MAX = 64 * 1024;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('object attachments', () => {
  let t: TestApp;
  let admin: Signed;
  let ds: DataSource;
  const post = (s: Signed, path: string, body: unknown = {}) => signedPost(t, s, path, body);
  const users: Record<string, Signed & { password: string; username: string }> = {};

  beforeAll(async () => {
    t = await startTestApp({ env: { ...IDENTITY_ENV, OUTBOX_POLL_MS: '0', FILE_MAX_BYTES: String(FILE_MAX) } });
    ds = t.app.get(DataSource);
    admin = await signIn(t, ADMIN);
    for (const name of ['alice', 'bob']) {
      const username = `${name}${Date.now()}`;
      const password = `${username}-password`;
      expect((await post(admin, '/sign/up', { username, password })).status).toBe(200);
      users[name] = { ...(await signIn(t, { username, password })), username, password };
    }
  });
  afterAll(() => t.close());

  const newClient = async (s: Signed) => {
    const res = await post(s, '/client/set', { code: `c${Math.random().toString(36).slice(2, 10)}`, name: { name: 'Attachments' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.id as number;
  };
  const outbox = (type: string, object: number) =>
    ds.query(`SELECT payload FROM outbox WHERE type = $1 AND payload->>'object' = $2 ORDER BY id`, [type, String(object)]);
  const content = (id: number, name: string, who = ADMIN) =>
    t.http.get('/api/v1/object/file/content').query({ id, name }).auth(who.username, who.password);

  describe('files', () => {
    it('object/file: no files or null reads; otherwise sets; files/get answers the content, files/list the seed’s list language', async () => {
      const id = await newClient(admin);
      expect((await post(admin, '/object/file', { id })).body).toEqual([]);
      expect((await post(admin, '/object/file', { id, files: null })).body).toEqual([]);
      const set = await post(admin, '/object/file', {
        id,
        files: [{ name: '/img/pixel.png', path: '/img/', size: PNG.length, date: '2026-05-01T10:00:00Z', data: PNG.toString('base64') }],
      });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      const file = {
        object: id,
        name: '/img/pixel.png',
        path: '/img/',
        size: PNG.length,
        date: '2026-05-01T10:00:00.000Z',
        hash: sha256(PNG),
        mediatype: 'image/png',
        updated: expect.any(String),
      };
      expect(set.body).toEqual([file]);
      expect((await post(admin, '/object/file', { id })).body).toEqual([file]);
      const got = await post(admin, '/object/files/get', { id, name: '/img/pixel.png' });
      expect(got.body).toEqual({ ...file, data: PNG.toString('base64') });
      expect((await post(admin, '/object/files/get', { id, name: '/img/pixel.png', fields: ['size', 'hash'] })).body).toEqual({
        size: PNG.length,
        hash: sha256(PNG),
      });
      expect((await post(admin, '/object/files/get', { id, name: '/nope' })).status).toBe(404);
      expect((await post(admin, '/object/files/get', { id, name: '/img/pixel.png', fields: ['content'] })).status).toBe(400);
      const list = await post(admin, '/object/files/list', { filter: { object: id }, fields: ['name', 'size'] });
      expect(list.body).toEqual([{ name: '/img/pixel.png', size: PNG.length }]);
      expect((await post(admin, '/object/files/list', { filter: { data: 'x' } })).status).toBe(400);
    });

    it('files/set: keys not given are null, size absent or 0 deletes, a file may be only a link to a path', async () => {
      const id = await newClient(admin);
      const text = Buffer.from('hello, world\n');
      await post(admin, '/object/files/set', {
        id,
        files: [
          { name: 'a.txt', path: '/tmp/', size: text.length, data: text.toString('base64'), hash: sha256(text).toUpperCase() },
          { name: '/srv/link.pdf', size: 5000, hash: 'abc' },
          { name: 'b.txt', size: 3, data: Buffer.from('abc').toString('base64') },
        ],
      });
      const files = (await post(admin, '/object/file', { id })).body as Record<string, unknown>[];
      expect(files.map((f) => [f.name, f.size, f.mediatype])).toEqual([
        ['/srv/link.pdf', 5000, null],
        ['a.txt', text.length, null],
        ['b.txt', 3, null],
      ]);
      expect(files.find((f) => f.name === '/srv/link.pdf')).toMatchObject({ hash: 'abc', path: null, date: null });
      // Set again without path: it is null now.
      await post(admin, '/object/files/set', { id, files: [{ name: 'a.txt', size: text.length, data: text.toString('base64') }] });
      expect((await post(admin, '/object/files/get', { id, name: 'a.txt', fields: ['path', 'hash'] })).body).toEqual({
        path: null,
        hash: sha256(text),
      });
      const after = await post(admin, '/object/files/set', {
        id,
        files: [{ name: 'a.txt', size: 0 }, { name: 'b.txt' }, { name: 'never-was' }],
      });
      expect(after.status).toBe(200);
      expect(after.body.map((f: { name: string }) => f.name)).toEqual(['/srv/link.pdf']);
      expect((await content(id, '/srv/link.pdf')).status).toBe(404); // a link has no stored content
      const events = await outbox('ObjectFileChanged', id);
      expect(events.map((e: { payload: { name: string; change: string } }) => `${e.payload.change} ${e.payload.name}`)).toEqual([
        'set a.txt',
        'set /srv/link.pdf',
        'set b.txt',
        'set a.txt',
        'deleted a.txt',
        'deleted b.txt',
      ]);
      const log = await ds.query(`SELECT text FROM event_log WHERE object_id = $1 AND category = 'object' ORDER BY id`, [id]);
      expect(log).toHaveLength(6);
    });

    it('refuses broken base64, a wrong hash or size, content over FILE_MAX_BYTES; nothing is written', async () => {
      const id = await newClient(admin);
      const good = { name: 'good', size: 3, data: Buffer.from('abc').toString('base64') };
      const cases: [Record<string, unknown>, number, string][] = [
        [{ name: 'x', size: 3, data: 'YW!j' }, 400, 'files[1].data'],
        [{ name: 'x', size: 3, data: 'YWJ' }, 400, 'files[1].data'], // not a length base64 has... decodes to 2 bytes
        [{ name: 'x', size: 3, data: 'YWJj', hash: sha256(Buffer.from('abd')) }, 400, 'files[1].hash'],
        [{ name: 'x', size: 4, data: 'YWJj' }, 400, 'files[1].size'],
        [{ name: 'x', size: FILE_MAX + 1, data: Buffer.alloc(FILE_MAX + 1).toString('base64') }, 413, 'files[1].data'],
        [{ name: 'x', size: -1 }, 400, 'files[1].size'],
        [{ size: 1 }, 400, 'files[1].name'],
      ];
      for (const [bad, status, field] of cases) {
        const res = await post(admin, '/object/files/set', { id, files: [good, bad] });
        expect(res.status, JSON.stringify(bad).slice(0, 80)).toBe(status);
        expect(JSON.stringify(res.body)).toContain(field);
      }
      // A body past FILE_MAX_BYTES encoded plus BODY_LIMIT never reaches the service.
      const huge = await post(admin, '/object/files/set', { id, files: [{ name: 'x', size: 1, data: 'A'.repeat(2 * 1024 * 1024) }] });
      expect(huge.status).toBe(413);
      expect(await ds.query(`SELECT name FROM object_file WHERE object_id = $1`, [id])).toEqual([]);
      expect(await outbox('ObjectFileChanged', id)).toEqual([]);
      // Exactly FILE_MAX_BYTES is fine, with the unpadded and line-wrapped base64 clients send.
      const max = Buffer.alloc(FILE_MAX, 7);
      const wrapped = max.toString('base64').replace(/=+$/, '').replace(/.{76}/g, '$&\n');
      const ok = await post(admin, '/object/files/set', { id, files: [{ name: 'max', size: FILE_MAX, data: wrapped }] });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body[0]).toMatchObject({ size: FILE_MAX, hash: sha256(max) });
    });

    it('GET object/file/content: the bytes with their sniffed media type and an ETag; 304 when it matches', async () => {
      const id = await newClient(admin);
      await post(admin, '/object/files/set', { id, files: [{ name: '/img/pixel.png', size: PNG.length, data: PNG.toString('base64') }] });
      const res = await content(id, '/img/pixel.png').buffer(true);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.headers['content-length']).toBe(String(PNG.length));
      expect(res.headers.etag).toBe(`"${sha256(PNG)}"`);
      expect(Buffer.compare(res.body as Buffer, PNG)).toBe(0);
      const again = await content(id, '/img/pixel.png').set('If-None-Match', res.headers.etag);
      expect(again.status).toBe(304);
      expect((await content(id, '/img/other.png')).status).toBe(404);
      expect((await t.http.get('/api/v1/object/file/content').query({ id, name: '/img/pixel.png' })).status).toBe(401);
      expect((await content(id, '')).status).toBe(400);
    });

    it('follows the object’s access: a plain user cannot read or write another user’s files (404), nor list them', async () => {
      const { alice, bob } = users;
      const bobs = await newClient(bob);
      const file = { name: 'secret.txt', size: 3, data: Buffer.from('abc').toString('base64') };
      expect((await post(bob, '/object/files/set', { id: bobs, files: [file] })).status).toBe(200);
      expect((await post(alice, '/object/file', { id: bobs })).status).toBe(404);
      expect((await post(alice, '/object/files/get', { id: bobs, name: 'secret.txt' })).status).toBe(404);
      expect((await post(alice, '/object/files/set', { id: bobs, files: [{ ...file, name: 'mine.txt' }] })).status).toBe(404);
      expect((await post(alice, '/object/file', { id: bobs, files: [{ name: 'secret.txt' }] })).status).toBe(404);
      expect((await content(bobs, 'secret.txt', alice)).status).toBe(404);
      expect((await post(alice, '/object/files/list', { filter: { object: bobs } })).body).toEqual([]);
      expect((await post(bob, '/object/files/list', { filter: { object: bobs }, fields: ['name'] })).body).toEqual([
        { name: 'secret.txt' },
      ]);
      expect((await post(admin, '/object/files/list', { filter: { object: bobs }, fields: ['name'] })).body).toEqual([
        { name: 'secret.txt' },
      ]);
      expect((await post(alice, '/object/file', { id: 999999999 })).status).toBe(404);
      // Shown to her with `s` only: she reads, and may not write (403).
      const aliceId = (await ds.query(`SELECT user_id FROM session WHERE code = $1`, [alice.session]))[0].user_id;
      await ds.query(`INSERT INTO acl_object (object_id, user_id, allow) VALUES ($1, $2, 's')`, [bobs, aliceId]);
      expect((await post(alice, '/object/files/get', { id: bobs, name: 'secret.txt', fields: ['size'] })).body).toEqual({ size: 3 });
      expect((await post(alice, '/object/files/set', { id: bobs, files: [{ name: 'secret.txt' }] })).status).toBe(403);
      expect(await ds.query(`SELECT name FROM object_file WHERE object_id = $1`, [bobs])).toEqual([{ name: 'secret.txt' }]);
    });
  });

  describe('data', () => {
    it('object/data reads with no data or null, sets otherwise; data/get by type or typecode; data null deletes; data/list', async () => {
      const id = await newClient(admin);
      expect((await post(admin, '/object/data', { id })).body).toEqual([]);
      expect((await post(admin, '/object/data', { id, data: null })).body).toEqual([]);
      const set = await post(admin, '/object/data', {
        id,
        data: [
          { type: 'text', code: 'note', data: 'Позвонить в понедельник' },
          { type: 'json', code: 'settings', data: '{"theme":"dark","n":[1,2]}' },
          { type: 'xml', code: 'card', data: '<card><name a="1">Ромашка</name><empty/></card>' },
        ],
      });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      expect(set.body.map((d: { typecode: string; code: string }) => `${d.typecode}:${d.code}`)).toEqual([
        'text:note',
        'json:settings',
        'xml:card',
      ]);
      const types = await ds.query<{ id: string; code: string }[]>(`SELECT id, code FROM object_data_type`);
      const json = Number(types.find((x) => x.code === 'json')!.id);
      expect((await post(admin, '/object/data/get', { id, typecode: 'json', code: 'settings' })).body).toEqual({
        object: id,
        type: json,
        typecode: 'json',
        code: 'settings',
        data: '{"theme":"dark","n":[1,2]}',
        updated: expect.any(String),
      });
      expect((await post(admin, '/object/data/get', { id, type: json, code: 'settings', fields: ['data'] })).body).toEqual({
        data: '{"theme":"dark","n":[1,2]}',
      });
      expect((await post(admin, '/object/data/get', { id, code: 'settings' })).status).toBe(400);
      expect((await post(admin, '/object/data/get', { id, typecode: 'text', code: 'settings' })).status).toBe(404);
      expect((await post(admin, '/object/data/get', { id, typecode: 'yaml', code: 'settings' })).status).toBe(400);
      // Upsert, and data absent or null deletes.
      await post(admin, '/object/data/set', { id, data: [{ type: 'text', code: 'note', data: 'Готово' }] });
      expect((await post(admin, '/object/data/get', { id, typecode: 'text', code: 'note', fields: ['data'] })).body).toEqual({
        data: 'Готово',
      });
      const after = await post(admin, '/object/data/set', {
        id,
        data: [
          { type: 'text', code: 'note', data: null },
          { type: 'xml', code: 'card' },
        ],
      });
      expect(after.body.map((d: { code: string }) => d.code)).toEqual(['settings']);
      const list = await post(admin, '/object/data/list', { filter: { object: id }, fields: ['typecode', 'code'] });
      expect(list.body).toEqual([{ typecode: 'json', code: 'settings' }]);
      const events = await outbox('ObjectDataChanged', id);
      expect(events.map((e: { payload: { change: string; code: string } }) => `${e.payload.change} ${e.payload.code}`)).toEqual([
        'set note',
        'set settings',
        'set card',
        'set note',
        'deleted note',
        'deleted card',
      ]);
    });

    it('refuses non-JSON json, malformed xml, an unknown type; nothing is written; another user’s data is 404', async () => {
      const id = await newClient(admin);
      const good = { type: 'text', code: 'ok', data: 'fine' };
      for (const [bad, field] of [
        [{ type: 'json', code: 'j', data: '{"a":' }, 'data[1].data'],
        [{ type: 'json', code: 'j', data: "{'a': 1}" }, 'data[1].data'],
        [{ type: 'xml', code: 'x', data: '<a><b></a>' }, 'data[1].data'],
        [{ type: 'xml', code: 'x', data: 'just text' }, 'data[1].data'],
        [{ type: 'yaml', code: 'y', data: 'a: 1' }, 'data[1].type'],
        [{ type: 'text', data: 'no code' }, 'data[1].code'],
      ] as const) {
        const res = await post(admin, '/object/data/set', { id, data: [good, bad] });
        expect(res.status, JSON.stringify(bad)).toBe(400);
        expect(JSON.stringify(res.body)).toContain(field);
      }
      expect(await ds.query(`SELECT code FROM object_data WHERE object_id = $1`, [id])).toEqual([]);
      const { alice, bob } = users;
      const bobs = await newClient(bob);
      expect((await post(bob, '/object/data/set', { id: bobs, data: [good] })).status).toBe(200);
      expect((await post(alice, '/object/data', { id: bobs })).status).toBe(404);
      expect((await post(alice, '/object/data/get', { id: bobs, typecode: 'text', code: 'ok' })).status).toBe(404);
      expect((await post(alice, '/object/data/set', { id: bobs, data: [{ ...good, data: 'hers' }] })).status).toBe(404);
      expect((await post(alice, '/object/data/list', { filter: { object: bobs } })).body).toEqual([]);
      expect((await post(bob, '/object/data/get', { id: bobs, typecode: 'text', code: 'ok', fields: ['data'] })).body).toEqual({
        data: 'fine',
      });
    });
  });

  describe('geolocation', () => {
    const DAY = 24 * 60 * 60 * 1000;
    const pick = (rows: Record<string, unknown>[]) => rows.map((r) => `${String(r.code)}:${String(r.label)}`);

    it('set appends to the history; get answers the latest per code as of the session’s oper_date; list is the history', async () => {
      const id = await newClient(admin);
      expect((await post(admin, '/object/geolocation', { id })).body).toEqual([]);
      const first = await post(admin, '/object/geolocation', { id, coordinates: [{ latitude: 55.75, longitude: 37.61, label: 'A' }] });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body).toEqual([
        {
          id: expect.any(Number),
          object: id,
          code: 'default',
          latitude: 55.75,
          longitude: 37.61,
          accuracy: null,
          label: 'A',
          description: null,
          date: expect.any(String),
        },
      ]);
      await post(admin, '/object/geolocation/set', {
        id,
        coordinates: [
          { latitude: -33.86, longitude: 151.2, accuracy: 58, label: 'B', description: 'Sydney' },
          { code: 'home', latitude: 90, longitude: -180, label: 'C' },
        ],
      });
      expect(pick((await post(admin, '/object/geolocation/get', { id })).body)).toEqual(['default:B', 'home:C']);
      expect((await post(admin, '/object/geolocation', { id, coordinates: null })).body).toHaveLength(2);
      expect((await post(admin, '/object/geolocation/get', { id, fields: ['code', 'latitude'] })).body).toEqual([
        { code: 'default', latitude: -33.86 },
        { code: 'home', latitude: 90 },
      ]);

      // Another session of the administrator works as of yesterday: nothing was there yet; what it adds is dated then.
      const past = await signIn(t, ADMIN);
      const yesterday = new Date(Date.now() - DAY);
      expect((await post(past, '/session/set/oper_date', { oper_date: yesterday.toISOString() })).status).toBe(200);
      expect((await post(past, '/object/geolocation/get', { id })).body).toEqual([]);
      const dated = await post(past, '/object/geolocation/set', { id, coordinates: [{ latitude: 1, longitude: 2, label: 'D' }] });
      expect(dated.body[0].date).toBe(yesterday.toISOString());
      expect(pick((await post(past, '/object/geolocation/get', { id })).body)).toEqual(['default:D']);
      expect(pick((await post(admin, '/object/geolocation/get', { id })).body)).toEqual(['default:B', 'home:C']);
      await post(past, '/session/set/oper_date', { oper_date: new Date(Date.now() - 2 * DAY).toISOString() });
      expect((await post(past, '/object/geolocation/get', { id })).body).toEqual([]);
      await post(past, '/session/set/oper_date', { oper_date: null });
      expect(pick((await post(past, '/object/geolocation/get', { id })).body)).toEqual(['default:B', 'home:C']);

      const history = await post(admin, '/object/geolocation/list', { filter: { object: id, code: 'default' } });
      expect(history.body.map((r: { label: string }) => r.label)).toEqual(['D', 'A', 'B']);
      const seedExample = await post(admin, '/object/geolocation/list', { filter: { object: 2, code: 'default' } });
      expect(seedExample.status).toBe(200);
      expect(Array.isArray(seedExample.body)).toBe(true);
      expect(
        (
          await post(admin, '/object/geolocation/list', {
            search: [{ field: 'latitude', compare: 'GEQ', value: '55' }],
            filter: { object: id },
          })
        ).body,
      ).toHaveLength(2);
      expect(await outbox('ObjectGeolocationAdded', id)).toHaveLength(4);
    });

    it('refuses coordinates out of range or missing (nothing written); another user’s points are 404', async () => {
      const id = await newClient(admin);
      const good = { latitude: 10, longitude: 10 };
      for (const [bad, field] of [
        [{ latitude: 90.0001, longitude: 0 }, 'coordinates[1].latitude'],
        [{ latitude: -91, longitude: 0 }, 'coordinates[1].latitude'],
        [{ latitude: 0, longitude: 180.5 }, 'coordinates[1].longitude'],
        [{ latitude: 0, longitude: -181 }, 'coordinates[1].longitude'],
        [{ longitude: 0 }, 'coordinates[1].latitude'],
        [{ latitude: '1', longitude: 0 }, 'coordinates[1].latitude'],
        [{ latitude: 0, longitude: 0, code: '' }, 'coordinates[1].code'],
        [{ latitude: 0, longitude: 0, label: 'x'.repeat(201) }, 'coordinates[1].label'],
      ] as const) {
        const res = await post(admin, '/object/geolocation/set', { id, coordinates: [good, bad] });
        expect(res.status, JSON.stringify(bad)).toBe(400);
        expect(JSON.stringify(res.body)).toContain(field);
      }
      expect((await post(admin, '/object/geolocation/set', { id })).status).toBe(400);
      expect(await ds.query(`SELECT 1 FROM object_geolocation WHERE object_id = $1`, [id])).toEqual([]);
      const { alice, bob } = users;
      const bobs = await newClient(bob);
      expect((await post(bob, '/object/geolocation/set', { id: bobs, coordinates: [good] })).status).toBe(200);
      expect((await post(alice, '/object/geolocation/get', { id: bobs })).status).toBe(404);
      expect((await post(alice, '/object/geolocation', { id: bobs, coordinates: [good] })).status).toBe(404);
      expect((await post(alice, '/object/geolocation/list', { filter: { object: bobs } })).body).toEqual([]);
      expect((await post(bob, '/object/geolocation/get', { id: bobs, fields: ['latitude'] })).body).toEqual([{ latitude: 10 }]);
    });
  });

  it('files and data written under an oper_date are dated with it', async () => {
    const id = await newClient(admin);
    const past = await signIn(t, ADMIN);
    const then = new Date(Date.now() - 3 * 24 * 60 * 60 * 1000);
    await post(past, '/session/set/oper_date', { oper_date: then.toISOString() });
    const file = await post(past, '/object/files/set', { id, files: [{ name: 'f', size: 1, data: 'AA==' }] });
    expect(file.body[0].updated).toBe(then.toISOString());
    const data = await post(past, '/object/data/set', { id, data: [{ type: 'text', code: 'n', data: 'x' }] });
    expect(data.body[0].updated).toBe(then.toISOString());
    const now = await post(admin, '/object/data/set', { id, data: [{ type: 'text', code: 'n', data: 'y' }] });
    expect(new Date(now.body[0].updated as string).getTime()).toBeGreaterThan(then.getTime());
  });

  it('dropping an object removes its files, data and points', async () => {
    const id = await newClient(admin);
    await post(admin, '/object/files/set', { id, files: [{ name: 'f', size: 1, data: 'AA==' }] });
    await post(admin, '/object/data/set', { id, data: [{ type: 'text', code: 'n', data: 'x' }] });
    await post(admin, '/object/geolocation/set', { id, coordinates: [{ latitude: 1, longitude: 1 }] });
    for (const action of ['delete', 'drop']) expect((await post(admin, '/action/run', { id, action })).status).toBe(200);
    for (const table of ['object_file', 'object_data', 'object_geolocation']) {
      expect(await ds.query(`SELECT 1 FROM ${table} WHERE object_id = $1`, [id])).toEqual([]);
    }
    expect((await post(admin, '/object/file', { id })).status).toBe(404);
    expect((await post(admin, '/object/geolocation/get', { id })).status).toBe(404);
  });
});
