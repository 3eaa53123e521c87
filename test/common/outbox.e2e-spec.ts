import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UnitOfWork } from '../../src/common/database/unit-of-work.js';
import { type DomainEvent, OnDomainEvent } from '../../src/common/events/domain-events.js';
import { OutboxDispatcher } from '../../src/common/events/outbox.dispatcher.js';
import { OutboxService } from '../../src/common/events/outbox.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** A promise and its resolver. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** What the subscribers do and saw (reset per test). */
const plan = {
  fast: [] as string[],
  slow: [] as string[],
  flaky: [] as string[],
  slowGate: latch(),
  slowEntered: latch(),
  fastDone: latch(),
  fastExpect: 0,
  failOn: new Set<string>(),
};

@Injectable()
class Subscribers {
  @OnDomainEvent('ObjectActionExecuted', 'test.fast')
  fast(event: DomainEvent): void {
    plan.fast.push(event.eventId);
    if (plan.fast.length === plan.fastExpect) plan.fastDone.open();
  }

  @OnDomainEvent('ObjectActionExecuted', 'test.slow')
  async slow(event: DomainEvent): Promise<void> {
    plan.slowEntered.open();
    await plan.slowGate.promise;
    plan.slow.push(event.eventId);
  }

  @OnDomainEvent('ObjectActionExecuted', 'test.flaky')
  flaky(event: DomainEvent): void {
    if (plan.failOn.has(event.eventId)) throw new Error(`refused ${event.eventId}`);
    plan.flaky.push(event.eventId);
  }
}

@Module({ providers: [Subscribers] })
class SubscribersModule {}

/** Outbox delivery with leases: a slow subscriber holds no row locks and blocks no other; failures back off per subscriber. */
describe('outbox delivery', () => {
  let t: TestApp;
  let ds: DataSource;
  let uow: UnitOfWork;
  let outbox: OutboxService;
  const drain = () => t.app.get(OutboxDispatcher).drain();
  const record = (n: number) =>
    uow.run(async () => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        ids.push(
          await outbox.record(uow.manager, 'ObjectActionExecuted', {
            object: String(i + 1),
            class: 'client',
            action: 'enable',
            method: null,
            oldState: null,
            newState: null,
            dropped: false,
            form: {},
            actor: null,
          }),
        );
      }
      return ids;
    });
  const delivery = async (subscriber: string, eventId: string) =>
    (
      await ds.query<{ attempts: number; delivered: boolean; due: boolean; dead: boolean; lastError: string | null }[]>(
        `SELECT attempts, delivered_at IS NOT NULL AS delivered, available_at <= now() AS due, dead_at IS NOT NULL AS dead, last_error AS "lastError"
           FROM outbox_delivery WHERE subscriber = $1 AND event_id = $2`,
        [subscriber, eventId],
      )
    )[0];

  beforeAll(async () => {
    t = await startTestApp({
      imports: [SubscribersModule],
      // A long backoff: a failed delivery stays not yet due however slow the box is; the test makes it due itself.
      env: { OUTBOX_POLL_MS: '20', OUTBOX_BATCH_SIZE: '10', OUTBOX_MAX_ATTEMPTS: '3', OUTBOX_BACKOFF_BASE_SECONDS: '3600' },
    });
    ds = t.app.get(DataSource);
    uow = t.app.get(UnitOfWork);
    outbox = t.app.get(OutboxService);
  });
  afterAll(async () => {
    plan.slowGate.open();
    await t?.close();
  });
  beforeEach(() => {
    Object.assign(plan, { fast: [], slow: [], flaky: [], slowEntered: latch(), fastDone: latch(), fastExpect: 0, failOn: new Set() });
  });

  it('a subscriber stuck on its first event holds no row lock, and the others get all 25 events meanwhile', async () => {
    plan.slowGate = latch();
    plan.fastExpect = 25;
    const ids = await record(25);
    await Promise.all([plan.fastDone.promise, plan.slowEntered.promise]);
    expect(plan.fast).toEqual(ids); // in order, each once, in batches of 10
    expect(plan.slow).toEqual([]);
    // Nobody holds a lock on the stuck subscriber's deliveries or on the events: its claim was one statement.
    await ds.transaction(async (m) => {
      await m.query(`SET LOCAL lock_timeout = '1ms'`);
      const rows = await m.query(`SELECT 1 FROM outbox_delivery WHERE subscriber = 'test.slow' FOR UPDATE NOWAIT`);
      expect(rows).toHaveLength(25);
      expect(await m.query(`SELECT 1 FROM outbox WHERE event_id = ANY($1::uuid[]) FOR UPDATE NOWAIT`, [ids])).toHaveLength(25);
    });
    plan.slowGate.open();
    await drain();
    expect(plan.slow).toEqual(ids);
    expect(
      await ds.query(`SELECT count(*)::int AS n FROM outbox_delivery WHERE event_id = ANY($1::uuid[]) AND delivered_at IS NULL`, [ids]),
    ).toEqual([{ n: 0 }]);
  });

  it("a subscriber's failure backs off only its own delivery, until it is dead-lettered", async () => {
    const ids = await record(3);
    plan.failOn = new Set([ids[1]]);
    await drain();
    expect(plan.flaky).toEqual([ids[0], ids[2]]); // the next events were not held up
    expect(plan.fast.slice(-3)).toEqual(ids);
    expect(await delivery('test.flaky', ids[1])).toEqual({
      attempts: 1,
      delivered: false,
      due: false,
      dead: false,
      lastError: `refused ${ids[1]}`,
    });
    expect(await delivery('test.fast', ids[1])).toMatchObject({ delivered: true });
    for (const attempts of [2, 3]) {
      await ds.query(`UPDATE outbox_delivery SET available_at = now() WHERE subscriber = 'test.flaky' AND event_id = $1`, [ids[1]]);
      await drain();
      expect(await delivery('test.flaky', ids[1])).toMatchObject({ attempts, delivered: false, dead: attempts === 3 });
    }
    plan.failOn.clear();
    await ds.query(`UPDATE outbox_delivery SET available_at = now() WHERE subscriber = 'test.flaky' AND event_id = $1`, [ids[1]]);
    await drain();
    expect(plan.flaky).not.toContain(ids[1]); // dead letters wait for an operator
  });

  it('a dispatcher that died holding a lease: its deliveries are made once the lease expires, once each', async () => {
    plan.slowGate.open();
    // Handed on, then claimed by an instance that died: leased for an hour, never marked delivered.
    await ds.query(
      `WITH e AS (INSERT INTO outbox (event_id, type, payload, processed_at)
                  SELECT gen_random_uuid(), 'ObjectActionExecuted', '{}'::jsonb, now() FROM generate_series(1, 2) RETURNING id, event_id)
       INSERT INTO outbox_delivery (event_id, subscriber, outbox_id, attempts, locked_until)
       SELECT event_id, 'test.fast', id, 1, now() + interval '1 hour' FROM e`,
    );
    const leased = await ds.query<{ eventId: string }[]>(
      `SELECT event_id AS "eventId" FROM outbox_delivery WHERE locked_until > now() + interval '1 minute' ORDER BY outbox_id`,
    );
    const ids = leased.map((r) => r.eventId);
    expect(ids).toHaveLength(2);
    await drain();
    expect(plan.fast).toEqual([]);
    await ds.query(`UPDATE outbox_delivery SET locked_until = now() - interval '1 second' WHERE event_id = ANY($1::uuid[])`, [ids]);
    await drain();
    expect(plan.fast).toEqual(ids);
    await drain();
    expect(plan.fast).toEqual(ids);
  });
});

/** Without polling in reach, the instance that committed events delivers them itself, one round per wake window. */
describe('outbox delivery after commit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ imports: [SubscribersModule], env: { OUTBOX_POLL_MS: '60000', OUTBOX_WAKE_MS: '20' } });
  });
  afterAll(async () => {
    plan.slowGate.open();
    await t?.close();
  });

  it('ten commits in a row are delivered by the wake rounds alone, each once', async () => {
    Object.assign(plan, { fast: [], fastDone: latch(), fastExpect: 10 });
    const uow = t.app.get(UnitOfWork);
    const outbox = t.app.get(OutboxService);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push(
        await uow.run(() =>
          outbox.record(uow.manager, 'ObjectActionExecuted', {
            object: String(i + 1),
            class: 'client',
            action: 'enable',
            method: null,
            oldState: null,
            newState: null,
            dropped: false,
            form: {},
            actor: null,
          }),
        ),
      );
    }
    await plan.fastDone.promise;
    expect([...plan.fast].sort()).toEqual([...ids].sort());
  });
});
