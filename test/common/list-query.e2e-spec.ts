import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { applyListQuery, compileListQuery } from '../../src/common/list-query/list-query.compiler.js';
import { parseCountQuery, parseListQuery } from '../../src/common/list-query/list-query.parser.js';
import type { ColumnMap } from '../../src/common/list-query/list-query.types.js';
import type { TestDatabase } from '../support/database.js';
import { testDatabase } from '../support/test-app.js';

/** The list query language compiled and run on a real PostgreSQL, over a test-only table. */
const COLUMNS: ColumnMap = {
  id: { sql: 'p.id', type: 'integer' },
  label: { sql: 'p.label', type: 'text' },
  amount: { sql: 'p.amount', type: 'numeric' },
  active: { sql: 'p.active', type: 'boolean' },
  created: { sql: 'p.created', type: 'timestamp' },
  data: { sql: 'p.data', type: 'json' },
};
const LIMITS = { defaultLimit: 3, maxLimit: 5 };

describe('list query language on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;

  const list = async (body: unknown) => {
    const q = compileListQuery(parseListQuery(body, COLUMNS, LIMITS), COLUMNS);
    const n = q.params.length;
    const sql =
      `SELECT ${q.select} FROM lq_probe p` +
      (q.where ? ` WHERE ${q.where}` : '') +
      (q.orderBy ? ` ORDER BY ${q.orderBy}` : '') +
      ` LIMIT $${n + 1} OFFSET $${n + 2}`;
    return ds.query(sql, [...q.params, q.limit, q.offset]);
  };
  const ids = async (body: Record<string, unknown>) =>
    ((await list({ fields: ['id'], orderby: ['id'], reclimit: 5, ...body })) as { id: number }[]).map((r) => r.id);

  beforeAll(async () => {
    db = await testDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, poolSize: 2 });
    await ds.initialize();
    await ds.query(
      `CREATE TABLE lq_probe (id int PRIMARY KEY, label text, amount numeric, active boolean, created timestamptz, data jsonb)`,
    );
    await ds.query(`INSERT INTO lq_probe VALUES
      (1, 'alpha', 10.5, true,  '2020-08-10T12:00:00Z', '{"kind": "a", "tags": ["x"]}'),
      (2, 'beta',  20,   false, '2020-08-11T12:00:00Z', '{"kind": "b", "tags": ["y"]}'),
      (3, 'gamma', 30,   true,  '2020-08-12T12:00:00Z', '{"kind": "a", "tags": ["x", "y"]}'),
      (4, 'it''s', NULL, NULL,  NULL,                   NULL),
      (5, 'delta', 50,   true,  '2020-08-14T12:00:00Z', '{"kind": "c"}')`);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('every compare works on real data', async () => {
    expect(await ids({ search: [{ field: 'label', value: 'beta' }] })).toEqual([2]);
    expect(await ids({ search: [{ field: 'id', compare: 'NEQ', value: '1' }] })).toEqual([2, 3, 4, 5]);
    expect(await ids({ search: [{ field: 'amount', compare: 'LSS', value: '20' }] })).toEqual([1]);
    expect(await ids({ search: [{ field: 'amount', compare: 'LEQ', value: '20' }] })).toEqual([1, 2]);
    expect(await ids({ search: [{ field: 'amount', compare: 'GTR', value: 20 }] })).toEqual([3, 5]);
    expect(await ids({ search: [{ field: 'amount', compare: 'GEQ', value: '30' }] })).toEqual([3, 5]);
    expect(await ids({ search: [{ field: 'data', compare: 'GIN', value: { tags: ['y'] } }] })).toEqual([2, 3]);
    expect(await ids({ search: [{ field: 'label', compare: 'LKE', value: '%ta' }] })).toEqual([2, 5]);
    expect(await ids({ search: [{ field: 'amount', compare: 'ISN' }] })).toEqual([4]);
    expect(await ids({ search: [{ field: 'active', compare: 'INN' }] })).toEqual([1, 2, 3, 5]);
    expect(await ids({ search: [{ field: 'id', valarr: [5, '3', 99] }] })).toEqual([3, 5]);
    expect(await ids({ search: [{ field: 'data.kind', value: 'a' }] })).toEqual([1, 3]);
  });

  it("the seed's grouped example: (A OR B) AND C AND D, with dd.mm.yyyy dates", async () => {
    const search = [
      { field: 'id', compare: 'EQL', value: '1', condition: 'OR', lstr: '(' },
      { field: 'id', compare: 'EQL', value: '3', condition: 'OR', rstr: ')' },
      { field: 'created', compare: 'LSS', value: '13.08.2020' },
      { field: 'created', compare: 'GEQ', value: '11.08.2020' },
    ];
    expect(await ids({ search })).toEqual([3]);
  });

  it('filter, fields, orderby, reclimit and recoffset', async () => {
    expect(await ids({ filter: { active: true, data: null } })).toEqual([]);
    expect(await ids({ filter: { active: true } })).toEqual([1, 3, 5]);
    expect(await list({ fields: ['label'], filter: { id: 4 } })).toEqual([{ label: "it's" }]);
    expect(await list({ fields: ['id'], orderby: ['amount DESC'], reclimit: 2 })).toEqual([{ id: 4 }, { id: 5 }]);
    expect(await list({ fields: ['id'], orderby: ['id'], reclimit: 2, recoffset: 3 })).toEqual([{ id: 4 }, { id: 5 }]);
    expect(await list({ orderby: ['id'] })).toHaveLength(LIMITS.defaultLimit);
    expect(Object.keys((await list({ reclimit: 1 }))[0])).toEqual(Object.keys(COLUMNS));
  });

  it('hostile values are only ever data', async () => {
    const attacks = ["' OR '1'='1", "x'; DROP TABLE lq_probe; --", '$1', '\\', "alpha' --", '1) OR (1=1'];
    for (const value of attacks) expect(await ids({ search: [{ field: 'label', value }] })).toEqual([]);
    expect(await ids({ search: [{ field: 'label', value: "it's" }] })).toEqual([4]);
    expect(await ds.query('SELECT count(*)::int AS n FROM lq_probe')).toEqual([{ n: 5 }]);
  });

  it('values PostgreSQL could not cast are refused before they reach it', () => {
    for (const body of [
      { search: [{ field: 'id', value: 'abc' }] },
      { search: [{ field: 'amount', value: '1e999999' }] },
      { search: [{ field: 'created', value: '31.02.2020x' }] },
      { search: [{ field: 'active', value: 'perhaps' }] },
      { search: [{ field: 'data', compare: 'GIN', value: 'not json' }] },
    ]) {
      expect(() => parseListQuery(body, COLUMNS, LIMITS), JSON.stringify(body)).toThrow(DomainError);
    }
  });

  it('count bodies, and TypeORM query builders', async () => {
    const count = parseCountQuery({ filter: { active: true }, reclimit: 1 }, COLUMNS, LIMITS);
    const qb = ds.createQueryBuilder().from('lq_probe', 'p').select('count(*)::int', 'n');
    applyListQuery(qb, count, COLUMNS, { countOnly: true });
    expect(await qb.getRawOne()).toEqual({ n: 3 });

    const rows = ds.createQueryBuilder().from('lq_probe', 'p');
    applyListQuery(
      rows,
      parseListQuery(
        { fields: ['id', 'label'], search: [{ field: 'id', valarr: [1, 2, 3] }], orderby: ['id DESC'], reclimit: 2 },
        COLUMNS,
        LIMITS,
      ),
      COLUMNS,
    );
    expect(await rows.getRawMany()).toEqual([
      { id: 3, label: 'gamma' },
      { id: 2, label: 'beta' },
    ]);
  });
});
