import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, IDENTITY_ENV, type Signed, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The objects kernel (issue 11) and the platform seed examples of issue 10 items 2 and 11. */
describe('objects kernel', () => {
  let t: TestApp;
  let admin: Signed;
  let ds: DataSource;
  const post = (s: Signed, path: string, body: unknown = {}) => signedPost(t, s, path, body);
  let seq = 0;
  const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`;

  /** A signed-up user (group `user` unless told), signed in. */
  const user = async (group?: string) => {
    const username = unique('u');
    const res = await post(admin, '/sign/up', { username, password: `${username}-password` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (group)
      await ds.query(`INSERT INTO user_group_member (user_id, group_id) SELECT $1, id FROM user_group WHERE code = $2`, [
        res.body.userid,
        group,
      ]);
    const signed = await signIn(t, { username, password: `${username}-password` });
    return { ...signed, userId: Number(res.body.userid) };
  };
  const newClient = async (s: Signed, body: Record<string, unknown> = {}) => {
    const res = await post(s, '/client/set', { code: unique('c'), name: { name: 'Kernel Client' }, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Record<string, unknown> & { id: number };
  };

  beforeAll(async () => {
    t = await startTestApp({ env: IDENTITY_ENV });
    ds = t.app.get(DataSource);
    admin = await signIn(t, ADMIN);
  });
  afterAll(() => t.close());

  describe('method/get (issue 10 item 2)', () => {
    const codes = (res: { body: { actioncode: string }[] }) => res.body.map((m) => m.actioncode);

    it("the seed's signed example with actioncode answers 200; the action narrows the list, an unknown one empties it", async () => {
      const seed = await post(admin, '/method/get', { classcode: 'client', statecode: 'enabled', actioncode: 'invite' });
      expect(seed.status, JSON.stringify(seed.body)).toBe(200);
      expect(seed.body).toEqual([]);
      const disable = await post(admin, '/method/get', { classcode: 'client', statecode: 'enabled', actioncode: 'disable' });
      expect(codes(disable)).toEqual(['disable']);
      const [action] = (await post(admin, '/action', {})).body.filter((a: { code: string }) => a.code === 'delete');
      expect(codes(await post(admin, '/method/get', { classcode: 'client', statecode: 'enabled', action: action.id }))).toEqual(['delete']);
      expect((await post(admin, '/method/get', { classcode: 'client', statecode: 'enabled', action: 999999 })).body).toEqual([]);
    });

    it('every documented selector alone: object, class, state, classcode, statecode', async () => {
      const { id } = await newClient(admin);
      expect(codes(await post(admin, '/method/get', { object: id }))).toEqual(['enable', 'disable', 'delete']);
      const states = (await post(admin, '/state', {})).body as { id: number; code: string }[];
      const enabled = states.find((s) => s.code === 'enabled')!;
      expect(codes(await post(admin, '/method/get', { state: enabled.id }))).toEqual(['disable', 'delete']);
      expect(codes(await post(admin, '/method/get', { statecode: 'deleted' }))).toEqual(['restore', 'drop']);
      const all = await post(admin, '/method/get', { classcode: 'client' });
      expect(all.status).toBe(200);
      // Every method in force for the class: the nine of the states and the four of any state.
      expect(all.body).toHaveLength(13);
      const klass = (await post(admin, '/class', {})).body.find((c: { code: string }) => c.code === 'client');
      expect((await post(admin, '/method/get', { class: klass.id })).body).toEqual(all.body);
      expect(codes(await post(admin, '/method/get', { classcode: 'client', actioncode: 'edit' }))).toEqual(['edit']);
    });

    it('nothing to select by is 400; an unknown class or state code 404', async () => {
      expect((await post(admin, '/method/get', {})).status).toBe(400);
      expect((await post(admin, '/method/get', { actioncode: 'enable' })).status).toBe(400);
      expect((await post(admin, '/method/get', { classcode: 'nope' })).status).toBe(404);
      expect((await post(admin, '/method/get', { statecode: 'nope' })).status).toBe(404);
    });
  });

  it('event/log/set: type, code and text are all optional (issue 10 item 11)', async () => {
    const bare = await post(admin, '/event/log/set', {});
    expect(bare.status, JSON.stringify(bare.body)).toBe(200);
    expect(bare.body).toMatchObject({ type: 'M', code: 9000, text: '', username: ADMIN.username });
    const textOnly = await post(admin, '/event/log/set', { text: 'only text' });
    expect(textOnly.body).toMatchObject({ type: 'M', code: 9000, text: 'only text' });
    expect((await post(admin, '/event/log/set', { code: 7 })).body).toMatchObject({ code: 7, text: '' });
  });

  describe('one access policy (issue 11 item 4)', () => {
    it('a hidden object is 404 for every route, also for an action or method its state does not offer', async () => {
      const alice = await user();
      const bob = await user();
      const hidden = await newClient(bob);
      // Bob's own object in state created: restore is not offered there (his answer is 409).
      expect((await post(bob, '/action/run', { id: hidden.id, action: 'restore' })).status).toBe(409);
      for (const [path, body] of [
        ['/action/run', { id: hidden.id, action: 'restore' }],
        ['/action/run', { id: hidden.id, action: 'enable' }],
        ['/action/run', { id: hidden.id, action: 'nosuchaction' }],
        ['/method/run', { id: hidden.id, method: 'deleted:drop' }],
        ['/method/run', { id: hidden.id, method: 'created:enable' }],
        ['/method/get', { object: hidden.id }],
        ['/client/method', { id: hidden.id }],
        ['/client/get', { id: hidden.id }],
        ['/client/set', { id: hidden.id, description: 'x' }],
        ['/object/state', { id: hidden.id }],
        ['/object/class', { id: hidden.id }],
        ['/object/type', { id: hidden.id }],
      ] as const) {
        const res = await post(alice, path, body);
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
        expect(res.body.error.message).toBe(`Объект ${hidden.id} не найден.`);
      }
      // The same answer as for an id that does not exist.
      const missing = await post(alice, '/action/run', { id: 999999999, action: 'restore' });
      expect(missing.status).toBe(404);
      expect((await post(bob, '/client/get', { id: hidden.id, fields: ['statecode'] })).body).toEqual({ statecode: 'created' });
    });

    it('visible but not offered: 409; offered but not allowed: 403', async () => {
      const alice = await user();
      const bob = await user();
      const shown = await newClient(bob);
      await ds.query(`INSERT INTO acl_object (object_id, user_id, allow) VALUES ($1, $2, 's')`, [shown.id, alice.userId]);
      expect((await post(alice, '/action/run', { id: shown.id, action: 'restore' })).status).toBe(409);
      expect((await post(alice, '/action/run', { id: shown.id, action: 'enable' })).status).toBe(403);
      const own = await newClient(alice);
      const [method] = await ds.query(
        `SELECT m.id FROM method m JOIN state s ON s.id = m.state_id JOIN action a ON a.id = m.action_id WHERE s.code = 'created' AND a.code = 'enable'`,
      );
      await ds.query(`INSERT INTO acl_method (method_id, user_id, deny) VALUES ($1, $2, 'x')`, [method.id, alice.userId]);
      expect((await post(alice, '/action/run', { id: own.id, action: 'enable' })).status).toBe(403);
      expect((await post(alice, '/client/method', { id: own.id })).body.map((m: { actioncode: string }) => m.actioncode)).toEqual([
        'disable',
        'delete',
      ]);
      await ds.query(`DELETE FROM acl_method WHERE user_id = $1`, [alice.userId]);
    });

    it('client/set with userid: refused to a plain user (0 and another user id), allowed to account creators', async () => {
      const plain = await user();
      const login = unique('acct');
      const zero = await post(plain, '/client/set', { code: login, userid: 0 });
      expect(zero.status).toBe(403);
      expect(await ds.query(`SELECT 1 FROM app_user WHERE username = $1`, [login])).toEqual([]);
      expect(await ds.query(`SELECT 1 FROM client WHERE code = $1`, [login])).toEqual([]);
      const [adminUser] = await ds.query(`SELECT id FROM app_user WHERE username = $1`, [ADMIN.username]);
      expect((await post(plain, '/client/set', { code: unique('bind'), userid: Number(adminUser.id) })).status).toBe(403);
      const own = await newClient(plain);
      expect((await post(plain, '/client/set', { id: own.id, userid: Number(adminUser.id) })).status).toBe(403);
      expect((await post(plain, '/client/get', { id: own.id, fields: ['userId'] })).body).toEqual({ userId: null });

      const creator = await user('account_creator');
      const made = await post(creator, '/client/set', { code: login, userid: 0 });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      const [account] = await ds.query(`SELECT id FROM app_user WHERE username = $1`, [login]);
      expect(made.body.userId).toBe(Number(account.id));
    });
  });

  it("reads as of the session's oper_date: get, list, count, object/state and method agree; writes carry it as operdate", async () => {
    const s = await signIn(t, ADMIN); // a session of its own: its oper_date changes only its reads
    const day = 24 * 3600 * 1000;
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * day).toISOString();
    const operDate = async (value: string | null) =>
      expect((await post(s, '/session/set/oper_date', { oper_date: value })).status).toBe(200);
    const code = unique('asof');
    const view = async () => {
      const get = await post(s, '/client/get', { id: made.id, fields: ['statecode', 'state'] });
      const search = [{ field: 'code', value: code }];
      const list = await post(s, '/client/list', { search, fields: ['statecode'] });
      const count = await post(s, '/client/count', { search });
      const state = await post(s, '/object/state', { id: made.id, fields: ['code'] });
      const methods = await post(s, '/client/method', { id: made.id });
      return {
        get: get.status === 200 ? get.body.statecode : get.status,
        list: list.body.map((r: { statecode: string }) => r.statecode),
        count: count.body.count,
        state: state.status === 200 ? state.body.code : state.status,
        methods: methods.status === 200 ? methods.body.map((m: { actioncode: string }) => m.actioncode) : methods.status,
      };
    };

    // Created under an oper_date three days back: it exists from then, and carries the date.
    const threeDaysAgo = at(3);
    await operDate(threeDaysAgo);
    const made = await newClient(s, { code });
    expect(Date.parse(made.operdate as string)).toBe(Date.parse(threeDaysAgo));
    expect(Math.abs(Date.parse(made.created as string) - Date.now())).toBeLessThan(60_000);
    await operDate(null);
    expect((await post(s, '/action/run', { id: made.id, action: 'enable' })).status).toBe(200);
    const now = { get: 'enabled', list: ['enabled'], count: 1, state: 'enabled', methods: ['disable', 'delete'] };
    expect(await view()).toEqual(now);

    // Enabled today: as of yesterday it was created.
    await operDate(at(1));
    expect(await view()).toEqual({
      get: 'created',
      list: ['created'],
      count: 1,
      state: 'created',
      methods: ['enable', 'disable', 'delete'],
    });
    const byState = await post(s, '/client/count', {
      search: [
        { field: 'code', value: code },
        { field: 'statecode', value: 'enabled' },
      ],
    });
    expect(byState.body).toEqual({ count: 0 });
    // Before it existed: absent from every read alike.
    await operDate(at(5));
    expect(await view()).toEqual({ get: 404, list: [], count: 0, state: 404, methods: 404 });
    // A change under an oper_date carries it as operdate.
    const yesterday = at(1);
    await operDate(yesterday);
    const disabled = await post(s, '/action/run', { id: made.id, action: 'disable' });
    expect(disabled.status).toBe(200);
    await operDate(null);
    const after = await post(s, '/client/get', { id: made.id, fields: ['statecode', 'operdate'] });
    expect(after.body.statecode).toBe('disabled');
    expect(Date.parse(after.body.operdate)).toBe(Date.parse(yesterday));
    // null returns to now.
    expect(await view()).toEqual({ ...now, get: 'disabled', list: ['disabled'], state: 'disabled', methods: ['enable', 'delete'] });
  });
});
