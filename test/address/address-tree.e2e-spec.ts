import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pendingSchemaChanges } from '../../src/database/data-source.js';
import { AddressTreeService } from '../../src/modules/address/address-tree.service.js';
import { KladrImporter } from '../../src/modules/address/kladr-importer.service.js';
import { DataSource } from 'typeorm';
import { ADMIN, IDENTITY_ENV, type Signed, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { cutShort, PLACES, STREETS, tempDir, writeRelease, writeFile } from './kladr-fixtures.js';

const MOSCOW = 1770000000000000;
const TVERSKAYA = '01770000000000123';
const RAMENSKOE = '01500120010000000';
const LESNAYA = '01500120000030003';
const POLEVAYA = '01500120010020002';

describe('KLADR address tree', () => {
  let t: TestApp;
  let admin: Signed;
  let user: Signed;
  let importer: KladrImporter;
  let files: Awaited<ReturnType<typeof tempDir>>;
  const post = (s: Signed, p: string, body: unknown = {}) => signedPost(t, s, p, body);

  beforeAll(async () => {
    files = await tempDir();
    t = await startTestApp({ env: { ...IDENTITY_ENV, KLADR_IMPORT_DIR: files.dir } });
    importer = t.app.get(KladrImporter);
    admin = await signIn(t, ADMIN);
    const signUp = await signedPost(t, admin, '/sign/up', { username: 'kladr-user', password: 'kladr-user-password-1' });
    expect(signUp.status, JSON.stringify(signUp.body)).toBe(200);
    user = await signIn(t, { username: 'kladr-user', password: 'kladr-user-password-1' });
    await writeRelease(path.join(files.dir, 'r1'));
  });
  afterAll(async () => {
    await t?.close();
    await files?.dispose();
  });

  it('is empty before the first import', async () => {
    const res = await post(user, '/address/tree/release');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ release: null, imported: null, import: null, counts: null });
    expect((await post(user, '/address/tree/list')).body).toEqual([]);
  });

  it('imports a release: every level, current records only, SOCRBASE abbreviations, rejections counted', async () => {
    const summary = await importer.import(path.join(files.dir, 'r1'));
    expect(summary).toMatchObject({
      release: '2026-05-04',
      read: PLACES.length + STREETS.length,
      current: 1 + 7 + 4,
      skipped: 3,
      rejected: 1,
      levels: [1, 2, 1, 2, 2, 4],
      orphans: 0,
    });
    expect(summary.rejections).toEqual([
      { file: 'STREET.DBF', record: 6, reason: expect.stringMatching(/CODE "5001200100000X100" is not/) },
    ]);

    const list = await post(user, '/address/tree/list', { fields: ['code', 'name', 'short', 'typename', 'level', 'parent'], reclimit: 50 });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      { code: '01000000000000000', name: 'Российская Федерация', short: null, typename: null, level: 0, parent: null },
      { code: '01500000000000000', name: 'Московская', short: 'обл', typename: 'Область', level: 1, parent: 1000000000000000 },
      { code: '01500120000000000', name: 'Раменский', short: 'р-н', typename: 'Район', level: 2, parent: 1500000000000000 },
      { code: '01500120000030000', name: 'Заречье', short: 'д', typename: 'Деревня', level: 4, parent: 1500120000000000 },
      { code: LESNAYA, name: 'Лесная', short: 'ул', typename: 'Улица', level: 5, parent: 1500120000030000 },
      { code: RAMENSKOE, name: 'Раменское', short: 'г', typename: 'Город', level: 3, parent: 1500120000000000 },
      { code: '01500120010000001', name: 'Садовая', short: 'ул', typename: 'Улица', level: 5, parent: 1500120010000000 },
      { code: '01500120010020000', name: 'Дергаево', short: 'д', typename: 'Деревня', level: 4, parent: 1500120010000000 },
      { code: POLEVAYA, name: 'Полевая', short: 'ул', typename: 'Улица', level: 5, parent: 1500120010020000 },
      { code: '01770000000000000', name: 'Москва', short: 'г', typename: 'Город', level: 1, parent: 1000000000000000 },
      { code: TVERSKAYA, name: 'Тверская', short: 'ул', typename: 'Улица', level: 5, parent: MOSCOW },
      { code: '01770000020000000', name: 'Зеленоград', short: 'г', typename: 'Город', level: 3, parent: MOSCOW },
    ]);
  });

  it('the new table agrees with the entities (the swap keeps every index and constraint name)', async () => {
    expect((await pendingSchemaChanges(t.app.get(DataSource))).up).toEqual([]);
  });

  it('address/tree/get: a node by id, with fields; 404 for an unknown id', async () => {
    const res = await post(user, '/address/tree/get', { id: MOSCOW });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: MOSCOW,
      parent: 1000000000000000,
      code: '01770000000000000',
      name: 'Москва',
      short: 'г',
      typename: 'Город',
      level: 1,
      index: null,
      okato: '45000000000',
      release: '2026-05-04',
    });
    expect((await post(user, '/address/tree/get', { id: String(MOSCOW), fields: ['name', 'level'] })).body).toEqual({
      name: 'Москва',
      level: 1,
    });
    const missing = await post(user, '/address/tree/get', { id: 1990000000000000 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe(404);
    expect((await post(user, '/address/tree/get', { id: MOSCOW, fields: ['nope'] })).status).toBe(400);
    expect((await post(user, '/address/tree/get', { id: 'x' })).status).toBe(400);
  });

  it('address/tree/list: children of a node, name prefix, a leading wildcard, the list language checks', async () => {
    const children = await post(user, '/address/tree/list', { filter: { parent: MOSCOW }, fields: ['name'] });
    expect(children.body).toEqual([{ name: 'Тверская' }, { name: 'Зеленоград' }]);
    const prefix = await post(user, '/address/tree/list', {
      search: [{ field: 'name', compare: 'LKE', value: 'Моск%' }],
      fields: ['name'],
    });
    expect(prefix.body).toEqual([{ name: 'Московская' }, { name: 'Москва' }]);
    const inner = await post(user, '/address/tree/list', {
      search: [{ field: 'name', compare: 'LKE', value: '%ам%' }],
      fields: ['name'],
      orderby: ['name DESC'],
    });
    expect(inner.body).toEqual([{ name: 'Раменское' }, { name: 'Раменский' }]);
    const streets = await post(user, '/address/tree/list', {
      filter: { level: 5 },
      fields: ['name'],
      orderby: ['name'],
      reclimit: 2,
      recoffset: 1,
    });
    expect(streets.body).toEqual([{ name: 'Полевая' }, { name: 'Садовая' }]);
    const bad = await post(user, '/address/tree/list', { search: [{ field: 'nme', value: 'x' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/search\[0\]\.field names an unknown field/);
  });

  it('address/tree/history: the node and its ancestors, node first; id wins over code', async () => {
    const byCode = await post(user, '/address/tree/history', { code: POLEVAYA });
    expect(byCode.status).toBe(200);
    expect(byCode.body.map((n: { name: string }) => n.name)).toEqual([
      'Полевая',
      'Дергаево',
      'Раменское',
      'Раменский',
      'Московская',
      'Российская Федерация',
    ]);
    const byId = await post(user, '/address/tree/history', { id: MOSCOW, code: POLEVAYA });
    expect(byId.body.map((n: { code: string }) => n.code)).toEqual(['01770000000000000', '01000000000000000']);
    expect(byId.body[0]).toMatchObject({ id: MOSCOW, typename: 'Город', release: '2026-05-04' });
    expect((await post(user, '/address/tree/history', { code: '01990000000000000' })).status).toBe(404);
    expect((await post(user, '/address/tree/history', { id: 1990000000000000 })).status).toBe(404);
    expect((await post(user, '/address/tree/history', {})).status).toBe(400);
  });

  it('address/tree/string: short 0/1/2 and level, the postal index first at level 0', async () => {
    const string = async (body: Record<string, unknown>) => {
      const res = await post(user, '/address/tree/string', body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body as { address: string }).address;
    };
    expect(await string({ code: TVERSKAYA })).toBe('125009, Российская Федерация, Москва, Тверская');
    expect(await string({ code: TVERSKAYA, short: 1 })).toBe('125009, Российская Федерация, г. Москва, ул. Тверская');
    expect(await string({ code: TVERSKAYA, short: 2 })).toBe('125009, Российская Федерация, Москва г., Тверская ул.');
    expect(await string({ code: TVERSKAYA, short: 1, level: 1 })).toBe('г. Москва, ул. Тверская');
    expect(await string({ code: LESNAYA, short: 1, level: 2 })).toBe('р-н Раменский, д. Заречье, ул. Лесная');
    // a street without its own index takes the nearest one up the chain
    expect(await string({ code: POLEVAYA, short: 1 })).toBe(
      '140105, Российская Федерация, обл. Московская, р-н Раменский, г. Раменское, д. Дергаево, ул. Полевая',
    );
    expect(await string({ code: RAMENSKOE, short: '2', level: '3' })).toBe('Раменское г.');
  });

  it('AddressTreeService.resolve: the parts of an address from its code, for the address essence', async () => {
    const tree = t.app.get(AddressTreeService);
    expect(await tree.resolve(POLEVAYA)).toEqual({
      code: POLEVAYA,
      index: '140105',
      country: 'Российская Федерация',
      region: 'обл. Московская',
      district: 'р-н Раменский',
      city: 'г. Раменское',
      settlement: 'д. Дергаево',
      street: 'ул. Полевая',
      address: '140105, Российская Федерация, обл. Московская, р-н Раменский, г. Раменское, д. Дергаево, ул. Полевая',
    });
    expect(await tree.resolve(TVERSKAYA)).toMatchObject({
      region: 'г. Москва',
      district: null,
      city: null,
      settlement: null,
      street: 'ул. Тверская',
    });
    expect(await tree.resolve('01770000000000999')).toBeNull();
    await expect(tree.resolve('77')).rejects.toThrow(/17 digits/);
  });

  it('a malformed code is a 400 naming the format; an unknown one a 404', async () => {
    for (const code of ['7700000000000', '0177000000000000x', '', '00770000000000000']) {
      const res = await post(user, '/address/tree/string', { code });
      expect(res.status, code).toBe(400);
      expect(res.body.error.message).toContain('17 digits ФФ СС РРР ГГГ ППП УУУУ');
    }
    expect((await post(user, '/address/tree/history', { code: '77' })).status).toBe(400);
    const unknown = await post(user, '/address/tree/string', { code: '01770000000000999' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 404, message: expect.stringContaining('01770000000000999') } });
    expect((await post(user, '/address/tree/string', { code: TVERSKAYA, short: 3 })).status).toBe(400);
    expect((await post(user, '/address/tree/string', { code: TVERSKAYA, level: 6 })).status).toBe(400);
  });

  it('the endpoints need a signed-in caller', async () => {
    expect((await t.http.post('/api/v1/address/tree/list').send({})).status).toBe(401);
  });

  describe('bad files are refused, naming the file and record, and the tree stays as it was', () => {
    const treeNow = async () =>
      (await post(user, '/address/tree/list', { fields: ['code', 'name', 'release'], reclimit: 100 })).body as unknown[];
    const refuse = async (dir: string, message: RegExp) => {
      const before = await treeNow();
      await expect(importer.import(dir)).rejects.toThrow(message);
      expect(await treeNow()).toEqual(before);
      const run = await post(admin, '/address/tree/import/get');
      expect(run.body).toMatchObject({ status: 'failed', error: expect.stringMatching(message) });
    };

    it('a truncated STREET.DBF', async () => {
      const dir = await writeRelease(path.join(files.dir, 'truncated'), { date: '2026-06-01' });
      await cutShort(path.join(dir, 'STREET.DBF'), 100);
      await refuse(dir, /^STREET\.DBF, record 5: the file is truncated: its header announces 6 records/);
    });

    it('a KLADR.DBF in Windows-1251', async () => {
      const dir = await writeRelease(path.join(files.dir, 'cp1251'), { date: '2026-06-01', placesEncoding: 'win1251' });
      await refuse(dir, /^KLADR\.DBF, record 1: NAME "[^"]+" is not Russian text in CP866 \(is the file in another encoding\?\)/);
    });

    it('a KLADR.DBF in UTF-8', async () => {
      const dir = await writeRelease(path.join(files.dir, 'utf8'), { date: '2026-06-01', placesEncoding: 'utf8' });
      await refuse(dir, /^KLADR\.DBF, record 1: NAME .* is not Russian text in CP866/);
    });

    it('a file that is not a DBF, and a missing file', async () => {
      const dir = await writeRelease(path.join(files.dir, 'notdbf'), { date: '2026-06-01' });
      await writeFile(path.join(dir, 'SOCRBASE.DBF'), 'this is not a dBase file at all, just text\n');
      await refuse(dir, /^SOCRBASE\.DBF: is not a readable DBF file/);
      await refuse(path.join(files.dir, 'r1', 'nothing-here'), /nothing-here: not found/);
    });

    it('a file with the wrong fields', async () => {
      const { writeDbf, PLACE_FIELDS } = await import('./kladr-fixtures.js');
      const dir = await writeRelease(path.join(files.dir, 'fields'), { date: '2026-06-01' });
      await writeDbf(
        path.join(dir, 'KLADR.DBF'),
        PLACE_FIELDS.filter((f) => f.name !== 'CODE'),
        [{ NAME: 'Москва', SOCR: 'г' }],
      );
      await refuse(dir, /^KLADR\.DBF: has no field CODE \(expected NAME C40, SOCR C10, CODE C13, INDEX C6, OCATD C11\)/);
    });
  });

  it('a re-import replaces the tree at once: readers during the import see the old tree, then the new one', async () => {
    const renamed = PLACES.map((r): typeof r => (r[2] === '7700000000000' ? (['Москва-Сити', ...r.slice(1)] as typeof r) : r));
    const dir = await writeRelease(path.join(files.dir, 'r2'), { places: renamed, streets: STREETS.slice(0, 2), date: '2026-08-01' });

    // A reader holds the old tree: the swap must wait for it, and it must see the old names meanwhile.
    const reader = new pg.Client({ connectionString: t.db.url });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      const old = await reader.query<{ name: string }>(`SELECT name FROM address_tree WHERE id = $1`, [MOSCOW]);
      expect(old.rows).toEqual([{ name: 'Москва' }]);
      const running = importer.import(dir);
      await vi.waitFor(
        async () => {
          const { rows } = await reader.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'address_tree'::regclass AND mode = 'AccessExclusiveLock' AND NOT granted`,
          );
          expect(rows[0].n).toBe(1);
        },
        { timeout: 10_000, interval: 20 },
      );
      const during = await reader.query<{ name: string; n: number }>(
        `SELECT name, (SELECT count(*)::int FROM address_tree) AS n FROM address_tree WHERE id = $1`,
        [MOSCOW],
      );
      expect(during.rows).toEqual([{ name: 'Москва', n: 12 }]);
      await reader.query('COMMIT');
      const summary = await running;
      expect(summary).toMatchObject({ release: '2026-08-01', current: 1 + 7 + 2, levels: [1, 2, 1, 2, 2, 2] });
    } finally {
      await reader.end();
    }
    expect((await post(user, '/address/tree/get', { id: MOSCOW, fields: ['name', 'release'] })).body).toEqual({
      name: 'Москва-Сити',
      release: '2026-08-01',
    });
    expect((await post(user, '/address/tree/list', { filter: { level: 5 }, fields: ['name'] })).body).toEqual([
      { name: 'Садовая' },
      { name: 'Тверская' },
    ]);
    expect((await post(user, '/address/tree/release')).body).toMatchObject({
      release: '2026-08-01',
      counts: { current: 10, levels: [1, 2, 1, 2, 2, 2] },
    });
  });

  describe('the admin API', () => {
    it('starts an import of files on the server, which runs to its end; the release and counts are shown', async () => {
      await writeRelease(path.join(files.dir, 'r3'), { date: '2026-09-01' });
      const started = await post(admin, '/address/tree/import', { source: 'r3' });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      expect(started.body).toEqual({ id: expect.any(Number), status: 'running' });
      await vi.waitFor(
        async () => {
          const run = await post(admin, '/address/tree/import/get', { id: started.body.id });
          expect(run.body.status).toBe('done');
        },
        { timeout: 15_000, interval: 50 },
      );
      const run = await post(admin, '/address/tree/import/get', { id: started.body.id });
      expect(run.body).toMatchObject({
        status: 'done',
        release: '2026-09-01',
        counts: { current: 12, rejected: 1, skipped: 3 },
        error: null,
      });
      expect((await post(user, '/address/tree/release')).body).toMatchObject({ release: '2026-09-01', import: started.body.id });
    });

    it('a running import shows its progress: total from the start, done = total once the files are read', async () => {
      await writeRelease(path.join(files.dir, 'r4'), { date: '2026-10-01' });
      // A reader of the live tree holds the swap back, so the run stays running after it has read the files.
      const reader = new pg.Client({ connectionString: t.db.url });
      await reader.connect();
      await reader.query('BEGIN');
      await reader.query('SELECT 1 FROM address_tree LIMIT 1');
      try {
        const started = await post(admin, '/address/tree/import', { source: 'r4' });
        expect(started.status).toBe(202);
        await vi.waitFor(
          async () => {
            const run = await post(admin, '/address/tree/import/get', { id: started.body.id });
            expect(run.body.status).toBe('running');
            expect(run.body.total).toBeGreaterThan(0);
            expect(run.body.done).toBe(run.body.total);
          },
          { timeout: 10_000, interval: 50 },
        );
        await reader.query('COMMIT');
        await vi.waitFor(
          async () => expect((await post(admin, '/address/tree/import/get', { id: started.body.id })).body.status).toBe('done'),
          { timeout: 15_000, interval: 50 },
        );
      } finally {
        await reader.end();
      }
    });

    it('refuses other users, paths outside KLADR_IMPORT_DIR, missing sources, and a second import at once', async () => {
      expect((await post(user, '/address/tree/import', { source: 'r3' })).status).toBe(403);
      expect((await post(user, '/address/tree/import/get')).status).toBe(403);
      const outside = await post(admin, '/address/tree/import', { source: '../../etc' });
      expect(outside.status).toBe(400);
      expect(outside.body.error.message).toMatch(/inside KLADR_IMPORT_DIR/);
      expect((await post(admin, '/address/tree/import', { source: '/etc' })).status).toBe(400);
      expect((await post(admin, '/address/tree/import', { source: 'missing.7z' })).status).toBe(404);

      const holder = new pg.Client({ connectionString: t.db.url });
      await holder.connect();
      try {
        await holder.query(`SELECT pg_advisory_lock($1)`, [0x4b4c4144]);
        const busy = await post(admin, '/address/tree/import', { source: 'r3' });
        expect(busy.status).toBe(409);
        expect(busy.body.error.message).toMatch(/уже выполняется/);
      } finally {
        await holder.end();
      }
    });
  });
});
