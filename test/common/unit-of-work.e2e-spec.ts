import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { UnitOfWork } from '../../src/common/database/unit-of-work.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** A promise and its resolver: lets two transactions meet without sleeping. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('the unit of work', () => {
  let t: TestApp;
  let uow: UnitOfWork;
  let ds: DataSource;
  const rows = async () => (await ds.query<{ v: string }[]>(`SELECT v FROM uow_probe ORDER BY v`)).map((r) => r.v);

  beforeAll(async () => {
    t = await startTestApp({ env: { DB_TX_RETRIES: '3', DB_TX_RETRY_BASE_MS: '1' } });
    uow = t.app.get(UnitOfWork);
    ds = t.app.get(DataSource);
    await ds.query(`CREATE TABLE uow_probe (v text PRIMARY KEY)`);
    await ds.query(`CREATE TABLE uow_lock (id int PRIMARY KEY)`);
    await ds.query(`INSERT INTO uow_lock VALUES (1), (2)`);
  });
  afterAll(() => t?.close());

  it('nested runs join the outer transaction; outside one the manager is the pool', async () => {
    expect(uow.inTransaction).toBe(false);
    const ids = await uow.run(async () => {
      const [outer] = await uow.manager.query<{ x: string }[]>(`SELECT txid_current()::text AS x`);
      const inner = await uow.run(async () => (await uow.manager.query<{ x: string }[]>(`SELECT txid_current()::text AS x`))[0]);
      expect(uow.inTransaction).toBe(true);
      return [outer.x, inner.x];
    });
    expect(ids[0]).toBe(ids[1]);
    expect(uow.manager).toBe(ds.manager);
  });

  it('a failure anywhere rolls everything back, and after-commit hooks run only after a commit', async () => {
    const ran: string[] = [];
    await expect(
      uow.run(async () => {
        await uow.manager.query(`INSERT INTO uow_probe VALUES ('rolled-back')`);
        uow.afterCommit(() => ran.push('rolled-back'));
        await uow.run(async () => {
          throw new Error('veto');
        });
      }),
    ).rejects.toThrow('veto');
    await uow.run(async () => {
      await uow.manager.query(`INSERT INTO uow_probe VALUES ('kept')`);
      uow.afterCommit(() => ran.push('kept'));
      expect(ran).toEqual([]);
    });
    expect(ran).toEqual(['kept']);
    expect(await rows()).toEqual(['kept']);
    await ds.query(`DELETE FROM uow_probe`);
  });

  it('a deadlock is retried: both transactions end applied, once each', async () => {
    const bothLocked = latch();
    let locked = 0;
    let attempts = 0;
    const crossing = (first: number, second: number, value: string) =>
      uow.run(async () => {
        attempts++;
        await uow.manager.query(`SELECT 1 FROM uow_lock WHERE id = $1 FOR UPDATE`, [first]);
        if (++locked === 2) bothLocked.open();
        await bothLocked.promise;
        await uow.manager.query(`SELECT 1 FROM uow_lock WHERE id = $1 FOR UPDATE`, [second]);
        await uow.manager.query(`INSERT INTO uow_probe VALUES ($1)`, [value]);
      });
    await Promise.all([crossing(1, 2, 'a'), crossing(2, 1, 'b')]);
    expect(attempts).toBe(3); // PostgreSQL broke the deadlock by aborting one; that one ran again
    expect(await rows()).toEqual(['a', 'b']);
    await ds.query(`DELETE FROM uow_probe`);
  });

  it('a connection lost before COMMIT is retried on a new connection, and nothing is applied twice', async () => {
    let attempts = 0;
    const pids: number[] = [];
    await uow.run(async () => {
      attempts++;
      const [{ pid }] = await uow.manager.query<{ pid: number }[]>(`SELECT pg_backend_pid() AS pid`);
      pids.push(pid);
      await uow.manager.query(`INSERT INTO uow_probe VALUES ('once')`);
      // The first attempt's backend is terminated mid-transaction (what a failover or an operator does).
      if (attempts === 1) await uow.manager.query(`SELECT pg_terminate_backend(pg_backend_pid())`);
    });
    expect(attempts).toBe(2);
    expect(pids[0]).not.toBe(pids[1]);
    expect(await rows()).toEqual(['once']);
    await ds.query(`DELETE FROM uow_probe`);
  });

  it('retries are bounded, and an ordinary error is never retried', async () => {
    let attempts = 0;
    await expect(
      uow.run(async () => {
        attempts++;
        await uow.manager.query(`DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$`);
      }),
    ).rejects.toMatchObject({ code: '40001' });
    expect(attempts).toBe(4); // the first run and DB_TX_RETRIES=3 more

    attempts = 0;
    await expect(
      uow.run(async () => {
        attempts++;
        await uow.manager.query(`INSERT INTO uow_probe VALUES (NULL)`);
      }),
    ).rejects.toMatchObject({ code: '23502' });
    expect(attempts).toBe(1);
  });
});
