import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { type DomainEvent, OnDomainEvent } from '../../src/common/events/domain-events.js';
import { OutboxDispatcher } from '../../src/common/events/outbox.dispatcher.js';
import { TokenService } from '../../src/modules/auth/tokens/token.service.js';
import { WorkflowHandler, type WorkflowContext, type WorkflowEventHandler } from '../../src/modules/objects-workflow/workflow-handler.js';
import { ADMIN, IDENTITY_ENV, type Signed, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** What the test handler and subscriber saw (reset per test). */
const byNumber = (a: number, b: number) => a - b;
const seen = { handler: [] as string[], events: [] as DomainEvent<'ObjectActionExecuted'>[], crashOn: null as string | null };

/** A handler bound to (client, enable): writes inside the action's transaction, vetoes on form.veto. */
@WorkflowHandler({ class: 'client', action: 'enable', name: 'test.clientEnable' })
class ClientEnableHandler implements WorkflowEventHandler {
  async handle(ctx: WorkflowContext): Promise<void> {
    seen.handler.push(ctx.object.id);
    await ctx.manager.query(`INSERT INTO event_log (type, code, category, text, object_id) VALUES ('M', 9999, 'test', 'handler ran', $1)`, [
      ctx.object.id,
    ]);
    ctx.result.checked = true;
    if (ctx.form.veto === true) throw new DomainError('BAD_REQUEST', 'vetoed by the test handler');
  }
}

@Injectable()
class Recorder {
  constructor(private readonly ds: DataSource) {}

  @OnDomainEvent('ObjectActionExecuted', 'test.recorder')
  async record(event: DomainEvent<'ObjectActionExecuted'>): Promise<void> {
    if (seen.crashOn === event.eventId) {
      seen.crashOn = null;
      // The subscriber fails on this event once: only its delivery backs off (see test/common/outbox.e2e-spec.ts).
      await this.ds.query(`SELECT 1`);
      throw new Error('crashed');
    }
    seen.events.push(event);
  }
}

@Module({ providers: [ClientEnableHandler, Recorder] })
class TestHandlersModule {}

describe('objects and workflow', () => {
  let t: TestApp;
  let admin: Signed;
  let ds: DataSource;
  const post = (s: Signed, path: string, body: unknown = {}) => signedPost(t, s, path, body);

  beforeAll(async () => {
    t = await startTestApp({ env: { ...IDENTITY_ENV, OUTBOX_POLL_MS: '0' }, imports: [TestHandlersModule] });
    ds = t.app.get(DataSource);
    admin = await signIn(t, ADMIN);
  });
  afterAll(() => t.close());
  beforeEach(() => {
    seen.handler = [];
    seen.events = [];
    seen.crashOn = null;
  });

  const newClient = async (s: Signed, body: Record<string, unknown> = {}) => {
    const res = await post(s, '/client/set', {
      code: `c${Math.random().toString(36).slice(2, 10)}`,
      name: { name: 'Test Client' },
      ...body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Record<string, unknown> & { id: number };
  };
  const stateOf = async (id: number) => (await post(admin, '/client/get', { id, fields: ['statecode'] })).body.statecode;
  const drain = () => t.app.get(OutboxDispatcher).drain();

  it('catalogues: essences, the class tree, state types, states, actions, types', async () => {
    expect((await post(admin, '/essence', { fields: ['code'] })).body.map((e: { code: string }) => e.code)).toEqual([
      'object',
      'document',
      'reference',
      'address',
      'client',
      'calendar',
      'office',
    ]);
    const classes = (await post(admin, '/class')).body as { code: string; abstract: boolean; level: number }[];
    expect(classes.find((c) => c.code === 'client')).toMatchObject({ abstract: false, level: 2, essencecode: 'client' });
    expect(classes.find((c) => c.code === 'document')).toMatchObject({ abstract: true });
    expect((await post(admin, '/state/type')).body.map((s: { code: string }) => s.code)).toEqual([
      'created',
      'enabled',
      'disabled',
      'deleted',
    ]);
    expect((await post(admin, '/action', { fields: ['code'] })).body).toHaveLength(18);
    expect((await post(admin, '/client/type', { fields: ['code'] })).body).toEqual([
      { code: 'entity' },
      { code: 'physical' },
      { code: 'individual' },
    ]);
    expect((await post(admin, '/essence', { fields: ['nope'] })).status).toBe(400);
  });

  it('a new client is in state created; method/get answers the seed’s two methods for enabled', async () => {
    const client = await newClient(admin, { type: 'entity', name: { name: 'ООО Ромашка', short: 'Ромашка' }, phone: { mobile: '+7900' } });
    expect(client).toMatchObject({
      statecode: 'created',
      classcode: 'client',
      essencecode: 'client',
      typecode: 'entity',
      fullname: 'ООО Ромашка',
      shortname: 'Ромашка',
      phone: { mobile: '+7900' },
    });
    const methods = await post(admin, '/method/get', { classcode: 'client', statecode: 'enabled' });
    expect(methods.status).toBe(200);
    expect(methods.body).toEqual([
      { id: expect.any(Number), parent: null, action: expect.any(Number), actioncode: 'disable', label: 'Закрыть', visible: true },
      { id: expect.any(Number), parent: null, action: expect.any(Number), actioncode: 'delete', label: 'Удалить', visible: true },
    ]);
    const [disable] = (await post(admin, '/action', {})).body.filter((a: { code: string }) => a.code === 'disable');
    expect(methods.body[0].action).toBe(disable.id);
    // The seed's own request: a form body with a bearer token.
    const [session] = await ds.query(`SELECT user_id AS "userId" FROM session WHERE code = $1`, [admin.session]);
    const { token } = await t.app.get(TokenService).issueAccessToken({ userId: session.userId, session: admin.session });
    const form = await t.http
      .post('/api/v1/method/get')
      .set('Authorization', `Bearer ${token}`)
      .type('form')
      .send('classcode=client&statecode=enabled');
    expect(form.status).toBe(200);
    expect(form.body).toEqual(methods.body);
  });

  it('enable, disable, delete, restore and drop through action/run and method/run; the event log records each', async () => {
    const { id } = await newClient(admin);
    const run = async (action: string) => {
      const res = await post(admin, '/action/run', { id, action });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    await run('enable');
    expect(await stateOf(id)).toBe('enabled');
    const methods = (await post(admin, '/client/method', { id })).body as { id: number; actioncode: string }[];
    const disable = methods.find((m) => m.actioncode === 'disable')!;
    expect((await post(admin, '/method/run', { id, method: disable.id })).status).toBe(200);
    expect(await stateOf(id)).toBe('disabled');
    expect((await post(admin, '/method/run', { id, method: 'disabled:delete' })).status).toBe(200);
    expect(await stateOf(id)).toBe('deleted');
    await run('restore');
    expect(await stateOf(id)).toBe('created');
    await run('delete');
    const log = await ds.query(`SELECT text FROM event_log WHERE object_id = $1 AND category = 'workflow' ORDER BY id`, [id]);
    expect(log.map((r: { text: string }) => r.text.split(' ')[0])).toEqual(['create', 'enable', 'disable', 'delete', 'restore', 'delete']);
    await run('drop');
    expect((await post(admin, '/client/get', { id })).status).toBe(404);
    expect(await ds.query(`SELECT 1 FROM object_state WHERE object_id = $1`, [id])).toEqual([]);
  });

  it('the same lifecycle entirely through method/run (by code), and entirely through action/run', async () => {
    const steps: [string, string, string | null][] = [
      ['created:enable', 'enable', 'enabled'],
      ['enabled:disable', 'disable', 'disabled'],
      ['disabled:delete', 'delete', 'deleted'],
      ['deleted:restore', 'restore', 'created'],
      ['created:delete', 'delete', 'deleted'],
      ['deleted:drop', 'drop', null],
    ];
    const viaMethod = (await newClient(admin)).id;
    const viaAction = (await newClient(admin)).id;
    for (const [method, action, state] of steps) {
      const m = await post(admin, '/method/run', { id: viaMethod, method });
      const a = await post(admin, '/action/run', { id: viaAction, action });
      expect([m.status, a.status], `${method} / ${action}`).toEqual([200, 200]);
      expect(m.body).toMatchObject({ action, method, dropped: state === null });
      if (state) expect([await stateOf(viaMethod), await stateOf(viaAction)]).toEqual([state, state]);
    }
    expect(await ds.query(`SELECT id FROM object WHERE id = ANY($1)`, [[viaMethod, viaAction]])).toEqual([]);
  });

  it('event log: add, read by type and code, get one, list by the query language; users see their own entries', async () => {
    const added = await post(admin, '/event/log/set', { type: 'W', code: 4242, text: 'operator note' });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ type: 'W', code: 4242, text: 'operator note', username: ADMIN.username, session: admin.session });
    const byCode = await post(admin, '/event/log', { type: 'W', code: 4242 });
    expect(byCode.body.map((e: { id: number }) => e.id)).toEqual([added.body.id]);
    expect((await post(admin, '/event/log/get', { id: added.body.id, fields: ['text'] })).body).toEqual({ text: 'operator note' });
    const listed = await post(admin, '/event/log/list', { search: [{ field: 'code', value: 4242 }], fields: ['id', 'type'] });
    expect(listed.body).toEqual([{ id: added.body.id, type: 'W' }]);
    await post(admin, '/sign/up', { username: 'logreader', password: 'logreader-password' });
    const reader = await signIn(t, { username: 'logreader', password: 'logreader-password' });
    expect((await post(reader, '/event/log/get', { id: added.body.id })).status).toBe(404);
    const own = (await post(reader, '/event/log/list', {})).body as { userid: number }[];
    expect(own.length).toBeGreaterThan(0); // the reader's own sign-in
    expect(own.every((e) => e.userid === own[0].userid && e.userid !== added.body.userid)).toBe(true);
  });

  it('a method not offered in the current state is refused (409) and changes nothing', async () => {
    const { id } = await newClient(admin);
    const before = await ds.query(`SELECT count(*)::int AS n FROM outbox`);
    const refused = await post(admin, '/action/run', { id, action: 'restore' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe(409);
    expect((await post(admin, '/method/run', { id, method: 'enabled:disable' })).status).toBe(409);
    expect((await post(admin, '/action/run', { id, action: 'create' })).status).toBe(409);
    expect((await post(admin, '/method/run', { id, method: 'null:create' })).status).toBe(409);
    expect(await stateOf(id)).toBe('created');
    expect(await ds.query(`SELECT count(*)::int AS n FROM outbox`)).toEqual(before);
    expect((await post(admin, '/action/run', { id: 999999999, action: 'enable' })).status).toBe(404);
    expect((await post(admin, '/action/run', { id, action: 'enable', extra: 1 })).status).toBe(400);
  });

  it('a handler bound to (client, enable) runs in the transaction; its veto rolls back state, history, log and outbox', async () => {
    const { id } = await newClient(admin);
    await drain();
    seen.events = [];
    const count = async () =>
      (
        await ds.query(
          `SELECT (SELECT count(*) FROM object_state WHERE object_id = $1)::int AS h, (SELECT count(*) FROM event_log WHERE object_id = $1)::int AS l, (SELECT count(*) FROM outbox WHERE payload->>'object' = $2)::int AS o`,
          [id, String(id)],
        )
      )[0];
    const before = await count();
    const vetoed = await post(admin, '/action/run', { id, action: 'enable', form: { veto: true } });
    expect(vetoed.status).toBe(400);
    expect(vetoed.body.error.message).toBe('vetoed by the test handler');
    expect(seen.handler).toEqual([String(id)]);
    expect(await stateOf(id)).toBe('created');
    expect(await count()).toEqual(before);
    const ok = await post(admin, '/action/run', { id, action: 'enable' });
    expect(ok.body).toMatchObject({ action: 'enable', result: { checked: true } });
    expect(await count()).toEqual({ h: before.h + 1, l: before.l + 2, o: before.o + 1 });
    await drain();
    expect(seen.events.map((e) => e.payload.action)).toEqual(['enable']);
  });

  it('after commit each action is delivered exactly once, none for rolled-back work, also across a subscriber failure', async () => {
    await drain();
    seen.events = [];
    const ids = [(await newClient(admin)).id, (await newClient(admin)).id, (await newClient(admin)).id];
    await post(admin, '/action/run', { id: ids[0], action: 'enable', form: { veto: true } });
    const batch = await post(admin, '/action/run', [
      { id: ids[0], action: 'enable' },
      { id: ids[1], action: 'disable' },
      { id: ids[2], action: 'restore' },
    ]);
    expect(batch.status).toBe(409);
    for (const id of ids) await post(admin, '/action/run', { id, action: 'disable' });
    const pending = await ds.query(`SELECT event_id AS "eventId" FROM outbox WHERE processed_at IS NULL ORDER BY id`);
    expect(pending).toHaveLength(6); // three creates, three disables: nothing of the vetoed or refused work
    seen.crashOn = pending[3].eventId;
    await drain();
    expect(seen.events).toHaveLength(5);
    // Its backoff over, the failed delivery is made, and nothing else again.
    await ds.query(`UPDATE outbox_delivery SET available_at = now() WHERE delivered_at IS NULL`);
    await drain();
    const delivered = seen.events.map((e) => e.eventId);
    expect(delivered.sort()).toEqual(pending.map((p: { eventId: string }) => p.eventId).sort());
    expect(new Set(delivered).size).toBe(6);
    expect(await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE processed_at IS NULL`)).toEqual([{ n: 0 }]);
  });

  it('50 concurrent conflicting actions on one object leave a history without gaps or overlaps', async () => {
    const { id } = await newClient(admin);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(admin, '/action/run', { id, action: i % 2 === 0 ? 'enable' : 'disable' })),
    );
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    // As text: microseconds matter (a JS Date would round them away).
    const history = await ds.query(
      `SELECT valid_from::text AS "from", valid_to::text AS "to" FROM object_state WHERE object_id = $1 ORDER BY valid_from`,
      [id],
    );
    expect(history.length).toBe(1 + results.filter((r) => r.status === 200).length);
    for (let i = 1; i < history.length; i++) expect(history[i].from).toBe(history[i - 1].to);
    expect(history.at(-1).to).toBe('infinity');
  });

  it('client list and count: search with every compare, filter, orderby, reclimit, recoffset', async () => {
    const tag = `L${Date.now()}`;
    for (const [i, name] of ['Альфа', 'Бета', 'Гамма', 'Дельта'].entries())
      await newClient(admin, { code: `${tag}-${i}`, name: { name, last: i % 2 ? 'Odd' : null }, info: { n: i } });
    const list = async (body: Record<string, unknown>) => {
      const res = await post(admin, '/client/list', body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as Record<string, unknown>[];
    };
    const mine = { field: 'code', compare: 'LKE', value: `${tag}-%` };
    expect(await list({ search: [mine], fields: ['code'], orderby: ['code DESC'], reclimit: 2, recoffset: 1 })).toEqual([
      { code: `${tag}-2` },
      { code: `${tag}-1` },
    ]);
    const codes = async (cond: Record<string, unknown>) =>
      (await list({ search: [mine, cond], fields: ['code'], orderby: ['code'] })).map((r) => String(r.code).slice(-1));
    expect(await codes({ field: 'fullname', compare: 'EQL', value: 'Бета' })).toEqual(['1']);
    expect(await codes({ field: 'fullname', compare: 'NEQ', value: 'Бета' })).toEqual(['0', '2', '3']);
    expect(await codes({ field: 'code', compare: 'LSS', value: `${tag}-1` })).toEqual(['0']);
    expect(await codes({ field: 'code', compare: 'LEQ', value: `${tag}-1` })).toEqual(['0', '1']);
    expect(await codes({ field: 'code', compare: 'GTR', value: `${tag}-2` })).toEqual(['3']);
    expect(await codes({ field: 'code', compare: 'GEQ', value: `${tag}-2` })).toEqual(['2', '3']);
    expect(await codes({ field: 'info', compare: 'GIN', value: { n: 2 } })).toEqual(['2']);
    expect(await codes({ field: 'lastname', compare: 'ISN' })).toEqual(['0', '2']);
    expect(await codes({ field: 'lastname', compare: 'INN' })).toEqual(['1', '3']);
    expect(await codes({ field: 'fullname', valarr: ['Альфа', 'Дельта'] })).toEqual(['0', '3']);
    expect((await list({ search: [mine], filter: { fullname: 'Гамма' }, fields: ['code'] })).map((r) => r.code)).toEqual([`${tag}-2`]);
    const count = await post(admin, '/client/count', { search: [mine, { condition: 'AND', field: 'statecode', value: 'created' }] });
    expect(count.body).toEqual({ count: 4 });
    expect((await post(admin, '/client/list', { search: [{ field: 'password_hash', value: 'x' }] })).status).toBe(400);
    expect((await post(admin, '/client/list', { orderby: ['code; DROP TABLE client'] })).status).toBe(400);
  });

  it('access: a user sees and acts on their own clients only; other areas are hidden; operators see their area', async () => {
    const mk = async (username: string, groups?: string[]) => {
      const res = await post(admin, '/sign/up', { username, password: `${username}-password` });
      expect(res.status).toBe(200);
      if (groups)
        await ds.query(`UPDATE user_group_member SET group_id = (SELECT id FROM user_group WHERE code = $2) WHERE user_id = $1`, [
          res.body.userid,
          groups[0],
        ]);
      return { ...(await signIn(t, { username, password: `${username}-password` })), clientId: res.body.id as number };
    };
    const alice = await mk(`alice${Date.now()}`);
    const bob = await mk(`bob${Date.now()}`);
    const olga = await mk(`olga${Date.now()}`, ['operator']);
    const own = await newClient(alice);
    const others = await newClient(bob);
    expect((await post(alice, '/client/get', { id: own.id })).status).toBe(200);
    expect((await post(alice, '/client/get', { id: others.id })).status).toBe(404);
    expect((await post(alice, '/action/run', { id: others.id, action: 'enable' })).status).toBe(404); // hidden = missing
    expect((await post(alice, '/client/set', { id: others.id, description: 'mine now' })).status).toBe(404);
    expect((await post(alice, '/action/run', { id: own.id, action: 'enable' })).status).toBe(200);
    const aliceIds = (await post(alice, '/client/list', { fields: ['id'] })).body.map((r: { id: number }) => r.id);
    // Shown to her by an object mask with `s` only: visible, but not hers to change (403).
    const aliceId = (await ds.query(`SELECT user_id FROM session WHERE code = $1`, [alice.session]))[0].user_id;
    const shown = await newClient(bob);
    await ds.query(`INSERT INTO acl_object (object_id, user_id, allow) VALUES ($1, $2, 's')`, [shown.id, aliceId]);
    expect((await post(alice, '/client/get', { id: shown.id })).status).toBe(200);
    expect((await post(alice, '/action/run', { id: shown.id, action: 'enable' })).status).toBe(403);
    await ds.query(`DELETE FROM acl_object WHERE object_id = $1 AND user_id = $2`, [shown.id, aliceId]);
    // Her own: the client she created, and the one her sign-up created.
    expect([...aliceIds].sort(byNumber)).toEqual([alice.clientId, own.id].sort(byNumber));
    expect((await post(alice, '/client/count', {})).body).toEqual({ count: 2 });
    // The operator group may select every client of its area.
    const olgaIds = (await post(olga, '/client/list', { fields: ['id'] })).body.map((r: { id: number }) => r.id);
    expect(olgaIds).toEqual(expect.arrayContaining([own.id, others.id]));
    // A document in another area is out of sight, also for the operator.
    await ds.query(
      `INSERT INTO area (parent_id, type, code, name) SELECT id, 'department', 'elsewhere', 'Elsewhere' FROM area WHERE code = 'root'`,
    );
    await ds.query(`UPDATE document SET area_id = (SELECT id FROM area WHERE code = 'elsewhere') WHERE id = $1`, [others.id]);
    expect((await post(olga, '/client/get', { id: others.id })).status).toBe(404);
    expect((await post(olga, '/client/list', { fields: ['id'] })).body.map((r: { id: number }) => r.id)).not.toContain(others.id);
    expect((await post(admin, '/client/get', { id: others.id })).status).toBe(200);
    // A deny mask on the class wins over the group's allow.
    await ds.query(
      `INSERT INTO acl_class (class_id, user_id, deny) SELECT id, (SELECT user_id FROM session WHERE code = $1), 'c' FROM object_class WHERE code = 'client'`,
      [alice.session],
    );
    expect((await post(alice, '/client/set', { code: 'denied' })).status).toBe(403);
    expect((await post(olga, '/object/force/delete', { id: own.id })).status).toBe(403);
  });

  it('client set: userid 0 creates an account, changes touch only the given keys; calendar reference', async () => {
    const code = `acct${Date.now()}`;
    const client = await newClient(admin, { code, userid: 0, email: 'x@example.com', description: 'first' });
    expect(client.userId).toEqual(expect.any(Number));
    const [user] = await ds.query(`SELECT username FROM app_user WHERE id = $1`, [client.userId]);
    expect(user.username).toBe(code);
    const changed = await post(admin, '/client/set', { id: client.id, name: { short: 'Short' } });
    expect(changed.body).toMatchObject({ shortname: 'Short', fullname: 'Test Client', description: 'first', code });
    expect((await post(admin, '/client/set', { code })).status).toBe(400);
    const partial = await post(admin, '/client/set', { code: `${code}x`, userid: 0, type: 'nope' });
    expect(partial.status).toBe(400);
    expect(await ds.query(`SELECT 1 FROM app_user WHERE username = $1`, [`${code}x`])).toEqual([]);

    const cal = await post(admin, '/calendar/set', { code: 'ru-2027', name: 'Россия 2027', workdays: [1, 2, 3, 4, 5, 6] });
    expect(cal.status, JSON.stringify(cal.body)).toBe(200);
    expect(cal.body).toMatchObject({
      code: 'ru-2027',
      name: 'Россия 2027',
      statecode: 'created',
      essencecode: 'calendar',
      workdays: [1, 2, 3, 4, 5, 6],
      workhours: '09:00-18:00',
    });
    expect((await post(admin, '/calendar/count', {})).body).toEqual({ count: 1 });
    expect((await post(admin, '/calendar/set', { code: 'ru-2027' })).status).toBe(400);
    expect((await post(admin, '/object/class', { id: cal.body.id })).body).toMatchObject({ code: 'calendar' });
    expect((await post(admin, '/object/state', { id: cal.body.id })).body).toMatchObject({ code: 'created' });
    expect((await post(admin, '/object/force/delete', { id: cal.body.id })).status).toBe(200);
    expect((await post(admin, '/object/state', { id: cal.body.id })).body).toMatchObject({ code: 'deleted' });
  });
});
