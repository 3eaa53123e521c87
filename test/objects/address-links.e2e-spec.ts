import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, IDENTITY_ENV, type Signed, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Seed 002 "Адрес объекта": object/address, object/address/set|get|list. */
describe('object address links', () => {
  let t: TestApp;
  let admin: Signed;
  let ds: DataSource;
  const post = (s: Signed, path: string, body: unknown = {}) => signedPost(t, s, path, body);
  const users: Record<string, Signed> = {};

  beforeAll(async () => {
    t = await startTestApp({ env: { ...IDENTITY_ENV, OUTBOX_POLL_MS: '0' } });
    ds = t.app.get(DataSource);
    admin = await signIn(t, ADMIN);
    for (const name of ['alice', 'bob']) {
      const username = `${name}${Date.now()}`;
      const password = `${username}-password`;
      expect((await post(admin, '/sign/up', { username, password })).status).toBe(200);
      users[name] = await signIn(t, { username, password });
    }
  });
  afterAll(() => t.close());

  const newClient = async (s: Signed) => {
    const res = await post(s, '/client/set', { code: `c${Math.random().toString(36).slice(2, 10)}`, name: { name: 'Addresses' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.id as number;
  };
  const newAddress = async (body: Record<string, unknown>) => {
    const res = await post(admin, '/address/set', body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.id as number;
  };
  const linked = (type: string, object: number) =>
    ds.query(`SELECT payload FROM outbox WHERE type = $1 AND payload->>'object' = $2 ORDER BY id`, [type, String(object)]);
  const links = (object: number) =>
    ds.query(`SELECT address_id::int AS address FROM object_address WHERE object_id = $1 ORDER BY id`, [object]);

  it('object/address: no addresses or null reads; items without id create an address and link it, with id change it', async () => {
    const id = await newClient(admin);
    expect((await post(admin, '/object/address', { id })).body).toEqual([]);
    expect((await post(admin, '/object/address', { id, addresses: null })).body).toEqual([]);
    const set = await post(admin, '/object/address', {
      id,
      addresses: [{ type: 'post', index: '101000', region: 'г. Москва', street: 'ул. Тверская', house: '1', apartment: '15' }],
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toEqual([
      {
        id: expect.any(Number),
        object: id,
        address: expect.any(Number),
        type: expect.any(Number),
        typecode: 'post',
        text: '101000, г. Москва, ул. Тверская, д. 1, кв. 15',
        datefrom: expect.any(String),
        dateto: null,
      },
    ]);
    const address = set.body[0].address as number;
    expect((await post(admin, '/address/get', { id: address, fields: ['house'] })).body).toMatchObject({ house: '1' });

    // With id the address object changes; it is already the link in force, so no new link.
    const changed = await post(admin, '/object/address', { id, addresses: [{ id: address, house: '7' }] });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.map((l: { text: string }) => l.text)).toEqual(['101000, г. Москва, ул. Тверская, д. 7, кв. 15']);
    // Another type links beside it.
    await post(admin, '/object/address', { id, addresses: [{ type: 'legal', region: 'г. Казань', house: '3' }] });
    const got = await post(admin, '/object/address/get', { id, fields: ['typecode', 'text'] });
    expect(got.body).toEqual([
      { typecode: 'post', text: '101000, г. Москва, ул. Тверская, д. 7, кв. 15' },
      { typecode: 'legal', text: 'г. Казань, д. 3' },
    ]);
    expect((await post(admin, '/object/address/get', { id, fields: ['nope'] })).status).toBe(400);
    const events = await linked('ObjectAddressLinked', id);
    expect(events.map((e: { payload: { addressType: string } }) => e.payload.addressType)).toEqual(['post', 'legal']);
    expect(events[0].payload).toEqual({
      object: String(id),
      address: String(address),
      addressType: 'post',
      validFrom: set.body[0].datefrom,
      actor: expect.any(String),
    });
    expect(await ds.query(`SELECT count(*)::int AS n FROM event_log WHERE object_id = $1 AND code = 3010`, [id])).toEqual([{ n: 2 }]);
  });

  it('object/address/set links from datefrom closing the link of that type; get answers the link in force at the oper_date', async () => {
    const id = await newClient(admin);
    const [a, b] = [await newAddress({ house: 'A' }), await newAddress({ house: 'B' })];
    expect((await post(admin, '/object/address/set', { id, address: a, datefrom: '2026-01-01T00:00:00Z' })).status).toBe(200);
    const setB = await post(admin, '/object/address/set', { id, address: [b], datefrom: '01.03.2026' });
    expect(setB.status, JSON.stringify(setB.body)).toBe(200);
    expect(setB.body.map((l: { address: number }) => l.address)).toEqual([b]);

    // A session working as of 2026-02-15 sees A; what it links (no datefrom) starts then and ends where B starts.
    const past = await signIn(t, ADMIN);
    expect((await post(past, '/session/set/oper_date', { oper_date: '2026-02-15T00:00:00Z' })).status).toBe(200);
    expect((await post(past, '/object/address/get', { id })).body.map((l: { address: number }) => l.address)).toEqual([a]);
    // (an address made now does not exist yet as of that date: the session makes its own)
    const c = (await post(past, '/address/set', { house: 'C' })).body.id as number;
    const setC = await post(past, '/object/address/set', { id, address: c });
    expect(setC.status, JSON.stringify(setC.body)).toBe(200);
    expect(setC.body.map((l: { address: number }) => l.address)).toEqual([c]);
    await post(past, '/session/set/oper_date', { oper_date: '2025-12-31T00:00:00Z' });
    expect((await post(past, '/object/address/get', { id })).body).toEqual([]);
    expect((await post(admin, '/object/address/get', { id })).body.map((l: { address: number }) => l.address)).toEqual([b]);

    const history = await post(admin, '/object/address/list', { filter: { object: id }, fields: ['address', 'datefrom', 'dateto'] });
    expect(history.status, JSON.stringify(history.body)).toBe(200);
    expect(history.body).toEqual([
      { address: a, datefrom: '2026-01-01T00:00:00.000Z', dateto: '2026-02-15T00:00:00.000Z' },
      { address: c, datefrom: '2026-02-15T00:00:00.000Z', dateto: '2026-03-01T00:00:00.000Z' },
      { address: b, datefrom: '2026-03-01T00:00:00.000Z', dateto: null },
    ]);
    expect((await post(admin, '/object/address/list', { filter: { nope: 1 } })).status).toBe(400);
  });

  it('follows the object’s access: a plain user cannot read or link another user’s addresses (404), nor list them', async () => {
    const { alice, bob } = users;
    const bobs = await newClient(bob);
    const address = await newAddress({ house: '9' });
    expect((await post(admin, '/object/address/set', { id: bobs, address })).status).toBe(200);
    expect((await post(alice, '/object/address', { id: bobs })).status).toBe(404);
    expect((await post(alice, '/object/address/get', { id: bobs })).status).toBe(404);
    expect((await post(alice, '/object/address/set', { id: bobs, address })).status).toBe(404);
    expect((await post(alice, '/object/address', { id: bobs, addresses: [{ house: '1' }] })).status).toBe(404);
    expect((await post(alice, '/object/address/list', { filter: { object: bobs } })).body).toEqual([]);
    expect((await post(bob, '/object/address/get', { id: bobs })).body.map((l: { address: number }) => l.address)).toEqual([address]);
    expect(await links(bobs)).toEqual([{ address }]);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const id = await newClient(admin);
    const before = await ds.query(`SELECT count(*)::int AS n FROM address`);
    for (const body of [
      { id, address: 'x' },
      { id, address: [] },
      { id, address: 1, datefrom: 'not a date' },
      { id: 'x', address: 1 },
      { id },
    ]) {
      expect((await post(admin, '/object/address/set', body)).status, JSON.stringify(body)).toBe(400);
    }
    for (const addresses of [[{}], [{ index: 'abc' }], 'x', [{ house: '1' }, { type: 'nope', house: '2' }]]) {
      expect((await post(admin, '/object/address', { id, addresses })).status, JSON.stringify(addresses)).toBe(400);
    }
    // Not an address object: nothing linked.
    expect((await post(admin, '/object/address/set', { id, address: id })).status).toBe(404);
    expect(await links(id)).toEqual([]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM address`)).toEqual(before);
    expect(await linked('ObjectAddressLinked', id)).toEqual([]);
  });

  it('dropping an object removes its address links', async () => {
    const id = await newClient(admin);
    await post(admin, '/object/address', { id, addresses: [{ house: '5' }] });
    expect(await links(id)).toHaveLength(1);
    for (const action of ['delete', 'drop']) expect((await post(admin, '/action/run', { id, action })).status).toBe(200);
    expect(await links(id)).toEqual([]);
    expect((await post(admin, '/object/address/get', { id })).status).toBe(404);
  });
});
