import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { prepared, preparedName } from '../../src/common/database/prepared-statements.js';
import { UnitOfWork } from '../../src/common/database/unit-of-work.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('prepared statements', () => {
  let t: TestApp;
  let uow: UnitOfWork;

  beforeAll(async () => {
    t = await startTestApp();
    uow = t.app.get(UnitOfWork);
  });
  afterAll(() => t?.close());

  /** The statements PostgreSQL holds prepared on the connection of the current transaction. */
  const held = async () =>
    (await uow.manager.query<{ name: string; statement: string }[]>(`SELECT name, statement FROM pg_prepared_statements`)).map(
      (r) => r.name,
    );

  it('a marked text goes out as a named statement on the pool, parsed once per connection; others stay unnamed', async () => {
    const marked = prepared(`SELECT $1::int + 1 AS n /* prepared-statements spec */`);
    const name = preparedName(marked)!;
    expect(name).toMatch(/^platform_\d+$/);
    await uow.run(async () => {
      for (let i = 0; i < 3; i++) expect(await uow.manager.query(marked, [i])).toEqual([{ n: i + 1 }]);
      await uow.manager.query(`SELECT $1::int AS unmarked /* prepared-statements spec */`, [1]);
      const names = await held();
      expect(names.filter((n) => n === name)).toHaveLength(1);
      expect(names.every((n) => n.startsWith('platform_'))).toBe(true);
    });
    // Outside a transaction too (the pool's manager), with the same values in and out.
    expect(await t.app.get(DataSource).query(marked, [41])).toEqual([{ n: 42 }]);
  });

  it('marking the same text again keeps its name; errors of a marked statement are the usual QueryFailedError', async () => {
    const text = `SELECT 1 / $1::int AS q /* prepared-statements spec, errors */`;
    expect(preparedName(prepared(text))).toBe(preparedName(prepared(text)));
    await expect(uow.manager.query(text, [0])).rejects.toMatchObject({ name: 'QueryFailedError', driverError: { code: '22012' } });
    expect(await uow.manager.query(text, [1])).toEqual([{ q: 1 }]);
  });
});
