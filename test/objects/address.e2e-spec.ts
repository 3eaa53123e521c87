import path from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KladrImporter } from '../../src/modules/address/kladr-importer.service.js';
import { tempDir, writeRelease } from '../address/kladr-fixtures.js';
import { ADMIN, IDENTITY_ENV, type Signed, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const TVERSKAYA = '01770000000000123';
const POLEVAYA = '01500120010020002';

/** The `address` essence (issue 11 item 2, issue 13 item 4): one definition, every generic endpoint, get/string. */
describe('the address essence', () => {
  let t: TestApp;
  let admin: Signed;
  let ds: DataSource;
  let files: Awaited<ReturnType<typeof tempDir>>;
  const post = (s: Signed, p: string, body: unknown = {}) => signedPost(t, s, p, body);
  const set = async (s: Signed, body: Record<string, unknown>) => {
    const res = await post(s, '/address/set', body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Record<string, unknown> & { id: number };
  };

  beforeAll(async () => {
    files = await tempDir();
    t = await startTestApp({ env: IDENTITY_ENV });
    ds = t.app.get(DataSource);
    admin = await signIn(t, ADMIN);
    await t.app.get(KladrImporter).import(await writeRelease(path.join(files.dir, 'r1')));
  });
  afterAll(async () => {
    await t?.close();
    await files?.dispose();
  });

  it('type: the address types, labelled in Russian and English', async () => {
    const types = await post(admin, '/address/type', { fields: ['code', 'name', 'classcode'] });
    expect(types.status).toBe(200);
    expect(types.body.map((x: { code: string }) => x.code)).toEqual(['post', 'actual', 'legal', 'registration', 'residence', 'delivery']);
    expect(types.body[2]).toEqual({ code: 'legal', name: 'Юридический адрес', classcode: 'address' });
    const en = await ds.query(
      `SELECT t.name->>'en' AS en FROM object_type t JOIN object_class c ON c.id = t.class_id WHERE c.code = 'address'`,
    );
    expect(en.map((r: { en: string }) => r.en)).toContain('Legal address');
  });

  it('set builds the full address the Russian way; get answers every class-table field; get/string the same line', async () => {
    const made = await set(admin, {
      index: '101000',
      region: 'г. Москва',
      street: 'ул. Мясницкая',
      house: '1',
      building: '2',
      structure: '3',
      apartment: '15',
      description: 'office',
    });
    const line = '101000, г. Москва, ул. Мясницкая, д. 1, корп. 2, стр. 3, кв. 15';
    expect(made).toMatchObject({
      essencecode: 'address',
      classcode: 'address',
      typecode: 'post',
      statecode: 'created',
      code: null,
      country: null,
      address: line,
      label: line,
      description: 'office',
      areacode: expect.any(String),
    });
    for (const key of [
      'index',
      'country',
      'region',
      'district',
      'city',
      'settlement',
      'street',
      'house',
      'building',
      'structure',
      'apartment',
    ])
      expect(made).toHaveProperty(key);
    expect((await post(admin, '/address/get/string', { id: made.id })).body).toEqual({ address: line });
    expect((await post(admin, '/address/get', { id: made.id, fields: ['apartment', 'address'] })).body).toEqual({
      apartment: '15',
      address: line,
    });
    // A change of one part rebuilds the line; a given line is kept as given.
    const changed = await post(admin, '/address/set', { id: made.id, apartment: '16', type: 'legal' });
    expect(changed.body).toMatchObject({
      apartment: '16',
      typecode: 'legal',
      address: line.replace('кв. 15', 'кв. 16'),
      description: 'office',
    });
    const given = await post(admin, '/address/set', { id: made.id, address: 'Москва, до востребования' });
    expect(given.body).toMatchObject({ address: 'Москва, до востребования', apartment: '16' });
    expect((await post(admin, '/address/get/string', { id: made.id })).body).toEqual({ address: line.replace('кв. 15', 'кв. 16') });
  });

  it('a KLADR code fills index and country..street from the tree, unless given', async () => {
    const moscow = await set(admin, { code: TVERSKAYA, house: '7', apartment: '3' });
    expect(moscow).toMatchObject({
      code: TVERSKAYA,
      index: '125009',
      country: 'Российская Федерация',
      region: 'г. Москва',
      district: null,
      street: 'ул. Тверская',
      address: '125009, Российская Федерация, г. Москва, ул. Тверская, д. 7, кв. 3',
    });
    const own = await set(admin, { code: POLEVAYA, index: '140199', street: 'Полевая улица' });
    expect(own).toMatchObject({
      region: 'обл. Московская',
      district: 'р-н Раменский',
      city: 'г. Раменское',
      settlement: 'д. Дергаево',
      street: 'Полевая улица',
      index: '140199',
    });
    // A change of the code refills the parts (and the line).
    const moved = await post(admin, '/address/set', { id: own.id, code: TVERSKAYA });
    expect(moved.body).toMatchObject({ region: 'г. Москва', district: null, city: null, street: 'ул. Тверская', index: '125009' });
    const unknown = await post(admin, '/address/set', { code: '01770000000000999' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('01770000000000999');
    expect((await post(admin, '/address/set', { code: '7700000000000' })).status).toBe(400);
    expect((await post(admin, '/address/set', { house: 'x'.repeat(51) })).status).toBe(400);
    expect((await post(admin, '/address/set', { type: 'nope' })).status).toBe(400);
  });

  it("list and count: the seed's example `apartment GEQ 5` compares the numbers in the text", async () => {
    const tag = `A${Date.now()}`;
    for (const apartment of ['3', '5', '12', '120', '4а'])
      await set(admin, { street: 'ул. Списочная', apartment, description: `${tag}-${apartment}` });
    const seed = await post(admin, '/address/list', {
      fields: ['description'],
      search: [{ field: 'apartment', compare: 'GEQ', value: '5' }],
    });
    expect(seed.status, JSON.stringify(seed.body)).toBe(200);
    const mine = seed.body.map((r: { description: string }) => r.description).filter((d: string) => d?.startsWith(tag));
    expect(mine.sort()).toEqual([`${tag}-12`, `${tag}-120`, `${tag}-5`]);
    const search = [
      { field: 'description', compare: 'LKE', value: `${tag}-%` },
      { field: 'apartment', compare: 'GEQ', value: '5' },
    ];
    expect((await post(admin, '/address/count', { search })).body).toEqual({ count: 3 });
    const ordered = await post(admin, '/address/list', { fields: ['apartment'], search: [search[0]], orderby: ['apartment'] });
    expect(ordered.body.map((r: { apartment: string }) => r.apartment)).toEqual(['3', '4а', '5', '12', '120']);
  });

  it('method, the lifecycle and access: the default lifecycle; a user sees only their own addresses', async () => {
    const made = await set(admin, { street: 'ул. Жизненная', house: '1' });
    expect((await post(admin, '/address/method', { id: made.id })).body.map((m: { actioncode: string }) => m.actioncode)).toEqual([
      'enable',
      'disable',
      'delete',
    ]);
    expect((await post(admin, '/action/run', { id: made.id, action: 'enable' })).status).toBe(200);
    expect((await post(admin, '/address/get', { id: made.id, fields: ['statecode'] })).body).toEqual({ statecode: 'enabled' });

    const username = `addr${Date.now()}`;
    expect((await post(admin, '/sign/up', { username, password: `${username}-password` })).status).toBe(200);
    const user = await signIn(t, { username, password: `${username}-password` });
    const own = await set(user, { street: 'ул. Своя', house: '2' });
    expect((await post(user, '/address/list', { fields: ['id'] })).body).toEqual([{ id: own.id }]);
    expect((await post(user, '/address/count', {})).body).toEqual({ count: 1 });
    for (const p of ['/address/get', '/address/get/string', '/address/method', '/client/get'])
      expect((await post(user, p, { id: made.id })).status, p).toBe(404);
    // Another essence's id is not an address.
    const client = await post(admin, '/client/set', { code: `addr-client-${Date.now()}` });
    expect((await post(admin, '/address/get', { id: client.body.id })).status).toBe(404);
    expect((await post(admin, '/address/set', { id: client.body.id, house: '1' })).status).toBe(404);
  });
});
