import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainEvent, OnDomainEvent } from '../../src/common/events/domain-events.js';
import { OutboxDispatcher } from '../../src/common/events/outbox.dispatcher.js';
import { IDENTITY_ENV, signedPost, type Signed } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { callback, pinUpdate, SEED_HEADERS } from './portal.js';

const delivered: DomainEvent<'PortalNotificationReceived'>[] = [];

@Injectable()
class PushRecorder {
  @OnDomainEvent('PortalNotificationReceived', 'test.portal-push')
  record(event: DomainEvent<'PortalNotificationReceived'>): void {
    delivered.push(event);
  }
}

@Module({ providers: [PushRecorder] })
class PushRecorderModule {}

const IVANOV = '381004a1-d925-11e8-9126-00155d640b22';
const PETROV = '481004a1-d925-11e8-9126-00155d640b23';

/** Seed 001 "Уведомления о событиях", as written. */
const SEED_PUSH = {
  data: { id: '5dd52390673cf700567e1d72' },
  type: 'kip_new',
  title: 'Создана новая задача КИП',
  message: 'Стыковка с международной космической лунной станцией.',
  users: [IVANOV],
};

describe('portal callbacks: push events, the outbox and the users’ notifications', () => {
  let t: TestApp;
  let ds: DataSource;
  const drain = () => t.app.get(OutboxDispatcher).drain();
  const pinSignIn = async (tab_no: string, pin: string): Promise<Signed> =>
    (await t.http.post('/api/v1/sign/pin').send({ tab_no, pin })).body;
  const counts = async () =>
    (
      await ds.query(
        `SELECT (SELECT count(*) FROM portal_notification)::int AS notifications, (SELECT count(*) FROM portal_notification_user)::int AS copies,
                (SELECT count(*) FROM outbox WHERE type = 'PortalNotificationReceived')::int AS events`,
      )
    )[0];

  beforeAll(async () => {
    t = await startTestApp({
      env: { ...IDENTITY_ENV, CALLBACK_KEYS: 'osnova_callback', OUTBOX_POLL_MS: '0' },
      imports: [PushRecorderModule],
    });
    ds = t.app.get(DataSource);
    expect(
      (await callback(t, 'pin/update', pinUpdate({ id_phperson: IVANOV, tab_no: '1001', ad_login: 'ivanov@osnova.ru', pin_code: '1111' })))
        .status,
    ).toBe(200);
    expect(
      (await callback(t, 'pin/update', pinUpdate({ id_phperson: PETROV, tab_no: '1002', ad_login: 'petrov@osnova.ru', pin_code: '2222' })))
        .status,
    ).toBe(200);
  });
  afterAll(() => t.close());

  it('the seed request: {"result": true}, one notification for the user, PortalNotificationReceived delivered once after commit', async () => {
    const res = await callback(t, 'portal/push/events', SEED_PUSH);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: true });
    expect(await counts()).toEqual({ notifications: 1, copies: 1, events: 1 });
    expect(await drain()).toBeGreaterThanOrEqual(1);
    const [user] = await ds.query(`SELECT user_id AS "userId" FROM portal_person WHERE id_phperson = $1`, [IVANOV]);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      type: 'PortalNotificationReceived',
      payload: {
        sourceId: '5dd52390673cf700567e1d72',
        type: 'kip_new',
        title: SEED_PUSH.title,
        message: SEED_PUSH.message,
        data: SEED_PUSH.data,
        users: [user.userId],
      },
    });
  });

  it('a retried push is not stored or published again; a retry reaching a new user publishes for that user only', async () => {
    expect((await callback(t, 'portal/push/events', SEED_PUSH)).body).toEqual({ result: true });
    expect((await callback(t, 'portal/push/events', { ...SEED_PUSH, title: 'changed on retry' })).body).toEqual({ result: true });
    expect(await counts()).toEqual({ notifications: 1, copies: 1, events: 1 });
    await drain();
    expect(delivered).toHaveLength(1);

    const wider = await callback(t, 'portal/push/events', { ...SEED_PUSH, users: [IVANOV, PETROV] });
    expect(wider.body).toEqual({ result: true });
    expect(await counts()).toEqual({ notifications: 1, copies: 2, events: 2 });
    await drain();
    const [petrov] = await ds.query(`SELECT user_id AS "userId" FROM portal_person WHERE id_phperson = $1`, [PETROV]);
    expect(delivered).toHaveLength(2);
    // The first delivery's words, whatever a retry says.
    expect(delivered[1].payload).toMatchObject({ users: [petrov.userId], title: SEED_PUSH.title });
    expect(new Set(delivered.map((e) => e.eventId)).size).toBe(2);

    // Concurrent retries of a new push: one notification, one copy per user, one event.
    const push = { ...SEED_PUSH, data: { id: 'concurrent-1' }, type: 'kip_comment', users: [IVANOV] };
    const answers = await Promise.all(Array.from({ length: 6 }, () => callback(t, 'portal/push/events', push)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await counts()).toEqual({ notifications: 2, copies: 3, events: 3 });
  });

  it('the same data.id with another type is another event; unknown users are reported, not refused', async () => {
    const res = await callback(t, 'portal/push/events', {
      ...SEED_PUSH,
      type: 'kip_update',
      users: [IVANOV, 'nobody-1', 'nobody-2', 'nobody-1'],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: true, unknown_users: ['nobody-1', 'nobody-2'] });
    const none = await callback(t, 'portal/push/events', {
      ...SEED_PUSH,
      data: { id: 42, extra: { nested: [1, 2] } },
      type: 'push',
      users: ['nobody-3'],
    });
    expect(none.body).toEqual({ result: true, unknown_users: ['nobody-3'] });
    expect(await counts()).toEqual({ notifications: 4, copies: 4, events: 4 });
  });

  it('validation: 422 with one key per failing field; a wrong key is 401 before validation', async () => {
    const empty = await callback(t, 'portal/push/events', {});
    expect(empty.status).toBe(422);
    expect(empty.body).toEqual({
      result: false,
      data: ['The data field is required.'],
      type: ['The type field is required.'],
      title: ['The title field is required.'],
      message: ['The message field is required.'],
      users: ['The users field is required.'],
    });
    const bad = await callback(t, 'portal/push/events', { data: { name: 'x' }, type: 'email', title: 7, message: 'm', users: 'all' });
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({
      result: false,
      data: ['The data.id field is required.'],
      type: ['The selected type is invalid (one of push, kip_new, kip_comment, kip_update).'],
      title: ['The title must be a string.'],
      users: ['The users must be a non-empty array.'],
    });
    const users = await callback(t, 'portal/push/events', { ...SEED_PUSH, users: [IVANOV, ''] });
    expect(users.body).toEqual({ result: false, users: ['The users.1 must be a string of 1 to 100 characters.'] });
    const big = await callback(t, 'portal/push/events', { ...SEED_PUSH, data: { id: 'big', text: 'x'.repeat(70_000) } });
    expect(big.body).toEqual({ result: false, data: ['The data may not be greater than 65536 characters as JSON.'] });
    const wrong = await callback(t, 'portal/push/events', {}, { ...SEED_HEADERS, 'X-Callback-Key': 'nope-nope-nope' });
    expect([wrong.status, wrong.body]).toEqual([401, { result: false, error: 'Invalid callback key.' }]);
    expect(await counts()).toEqual({ notifications: 4, copies: 4, events: 4 });
  });

  it('users list their notifications with the list language and mark them read; nobody sees or marks another’s', async () => {
    const ivanov = await pinSignIn('1001', '1111');
    const all = await signedPost(t, ivanov, '/notification/list', {});
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(3);
    expect(all.body[0]).toEqual({
      id: expect.any(Number),
      type: 'kip_update',
      title: SEED_PUSH.title,
      message: SEED_PUSH.message,
      data: SEED_PUSH.data,
      source_id: '5dd52390673cf700567e1d72',
      created: expect.any(String),
      read: null,
    });
    const kip = await signedPost(t, ivanov, '/notification/list', {
      fields: ['id', 'type'],
      search: [{ field: 'type', compare: 'LKE', value: 'kip_%' }],
      filter: { read: null },
      orderby: ['id ASC'],
      reclimit: 2,
    });
    expect(kip.body.map((n: { type: string }) => n.type)).toEqual(['kip_new', 'kip_comment']);
    expect(Object.keys(kip.body[0])).toEqual(['id', 'type']);

    const first = kip.body[0].id as number;
    expect((await signedPost(t, ivanov, '/notification/set', { id: first })).body).toEqual({ updated: 1 });
    expect((await signedPost(t, ivanov, '/notification/set', { id: [first] })).body).toEqual({ updated: 0 });
    expect((await signedPost(t, ivanov, '/notification/count', { filter: { read: null } })).body).toEqual({ count: 2 });
    const read = await signedPost(t, ivanov, '/notification/list', { search: [{ field: 'read', compare: 'INN' }] });
    expect(read.body.map((n: { id: number }) => n.id)).toEqual([first]);
    expect(read.body[0].read).toEqual(expect.any(String));
    expect((await signedPost(t, ivanov, '/notification/set', { id: [first], read: false })).body).toEqual({ updated: 1 });

    const petrov = await pinSignIn('1002', '2222');
    const theirs = await signedPost(t, petrov, '/notification/list', {});
    expect(theirs.body.map((n: { type: string }) => n.type)).toEqual(['kip_new']);
    expect((await signedPost(t, petrov, '/notification/set', { id: [first + 1000, all.body[0].id] })).body).toEqual({ updated: 0 });

    const bad = await signedPost(t, ivanov, '/notification/list', { filter: { unknown: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe(400);
    const badSet = await signedPost(t, ivanov, '/notification/set', { id: ['x'] });
    expect(badSet.status).toBe(400);
    expect((await t.http.post('/api/v1/notification/list').send({})).status).toBe(401);
  });
});
