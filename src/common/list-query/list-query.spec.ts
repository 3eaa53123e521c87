import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error.js';
import { compileListQuery, compileWhere } from './list-query.compiler.js';
import { parseCountQuery, parseListQuery } from './list-query.parser.js';
import type { ColumnMap } from './list-query.types.js';

const COLUMNS: ColumnMap = {
  id: { sql: 'o.id', type: 'integer' },
  label: { sql: 'o.label', type: 'text' },
  amount: { sql: 'o.amount', type: 'numeric' },
  enabled: { sql: 'o.enabled', type: 'boolean' },
  created: { sql: 'o.created', type: 'timestamp' },
  day: { sql: 'o.day', type: 'date' },
  data: { sql: 'o.data', type: 'json' },
  uid: { sql: 'o.uid', type: 'uuid' },
  secret: { sql: 'o.secret', type: 'text', searchable: false, sortable: false },
};
const LIMITS = { defaultLimit: 100, maxLimit: 1000 };

const compile = (body: unknown, paramStart?: number) => compileListQuery(parseListQuery(body, COLUMNS, LIMITS), COLUMNS, { paramStart });
const where = (search: unknown[]) => compile({ search });

/** The DomainError a body raises, or a failure if it raises none. */
function rejection(body: unknown): DomainError {
  try {
    parseListQuery(body, COLUMNS, LIMITS);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('LIST_QUERY_INVALID');
    return err as DomainError;
  }
  throw new Error(`accepted: ${JSON.stringify(body)}`);
}

describe('list query: compare operators', () => {
  it.each([
    ['EQL', '='],
    ['NEQ', '<>'],
    ['LSS', '<'],
    ['LEQ', '<='],
    ['GTR', '>'],
    ['GEQ', '>='],
  ])('%s compiles to %s with a bound, typed value', (compare, op) => {
    const q = where([{ field: 'amount', compare, value: '12.5' }]);
    expect(q.where).toBe(`(o.amount ${op} CAST($1 AS numeric))`);
    expect(q.params).toEqual(['12.5']);
  });

  it('EQL is the default compare, and compare is case-insensitive', () => {
    expect(where([{ field: 'label', value: 'x' }]).where).toBe('(o.label = CAST($1 AS text))');
    expect(where([{ field: 'label', compare: 'neq', value: 'x' }]).where).toBe('(o.label <> CAST($1 AS text))');
  });

  it('GIN: JSON containment with a jsonb parameter (object, array or JSON text)', () => {
    expect(where([{ field: 'data', compare: 'GIN', value: { a: 1 } }])).toMatchObject({
      where: '(o.data @> CAST($1 AS jsonb))',
      params: ['{"a":1}'],
    });
    expect(where([{ field: 'data', compare: 'GIN', value: '["x"]' }]).params).toEqual(['["x"]']);
  });

  it('LKE: LIKE with the client-provided wildcards', () => {
    expect(where([{ field: 'label', compare: 'LKE', value: '%ab_' }])).toMatchObject({
      where: '(o.label LIKE CAST($1 AS text))',
      params: ['%ab_'],
    });
  });

  it('ISN and INN take no value', () => {
    expect(where([{ field: 'amount', compare: 'ISN' }])).toMatchObject({ where: '(o.amount IS NULL)', params: [] });
    expect(where([{ field: 'amount', compare: 'INN', value: null }])).toMatchObject({ where: '(o.amount IS NOT NULL)', params: [] });
    expect(rejection({ search: [{ field: 'amount', compare: 'ISN', value: '1' }] }).message).toMatch(/must be omitted with ISN/);
  });

  it('valarr means IN and overrides compare and value', () => {
    const q = where([{ field: 'id', compare: 'GTR', value: '9', valarr: [1, '2', 3] }]);
    expect(q.where).toBe('(o.id = ANY(CAST($1 AS bigint[])))');
    expect(q.params).toEqual([['1', '2', '3']]);
    expect(rejection({ search: [{ field: 'id', valarr: [] }] }).message).toMatch(/non-empty array/);
    expect(rejection({ search: [{ field: 'id', valarr: Array.from({ length: 101 }, (_, i) => i) }] }).message).toMatch(/more than 100/);
  });

  it('refuses compares that do not fit the field', () => {
    expect(rejection({ search: [{ field: 'label', compare: 'GIN', value: '{}' }] }).message).toMatch(/JSON fields only/);
    expect(rejection({ search: [{ field: 'amount', compare: 'LKE', value: '1%' }] }).message).toMatch(/text fields only/);
    expect(rejection({ search: [{ field: 'enabled', compare: 'GTR', value: true }] }).message).toMatch(/boolean/);
    expect(rejection({ search: [{ field: 'data', compare: 'LSS', value: '{}' }] }).message).toMatch(/JSON fields/);
    expect(rejection({ search: [{ field: 'id', compare: 'LIKE', value: '1' }] }).message).toMatch(/must be one of EQL/);
  });
});

describe('list query: joining and grouping', () => {
  it("reads the seed's example: (A OR B) AND C AND D", () => {
    const q = where([
      { field: 'id', compare: 'EQL', value: '1004', condition: 'OR', lstr: '(' },
      { field: 'id', compare: 'EQL', value: '1010', condition: 'OR', rstr: ')' },
      { field: 'created', compare: 'LSS', value: '12.08.2020' },
      { field: 'created', compare: 'GEQ', value: '11.08.2020' },
    ]);
    expect(q.where).toBe(
      '((o.id = CAST($1 AS bigint) OR o.id = CAST($2 AS bigint)) AND o.created < CAST($3 AS timestamptz) AND o.created >= CAST($4 AS timestamptz))',
    );
    expect(q.params).toEqual(['1004', '1010', '2020-08-12T00:00:00.000Z', '2020-08-11T00:00:00.000Z']);
  });

  it('nests repeated parentheses', () => {
    const q = where([
      { field: 'id', value: 1, lstr: '((' },
      { field: 'id', value: 2, condition: 'or', rstr: ')' },
      { field: 'label', value: 'x', rstr: ')' },
    ]);
    expect(q.where).toBe('(((o.id = CAST($1 AS bigint) OR o.id = CAST($2 AS bigint)) AND o.label = CAST($3 AS text)))');
  });

  it('refuses unbalanced parentheses in either direction, and anything but parentheses', () => {
    expect(rejection({ search: [{ field: 'id', value: 1, lstr: '(' }] }).message).toMatch(/unclosed/);
    expect(rejection({ search: [{ field: 'id', value: 1, rstr: ')' }] }).message).toMatch(/never opened/);
    expect(
      rejection({
        search: [
          { field: 'id', value: 1, rstr: ')' },
          { field: 'id', value: 2, lstr: '(' },
        ],
      }).message,
    ).toMatch(/never opened/);
    expect(rejection({ search: [{ field: 'id', value: 1, lstr: ')' }] }).message).toMatch(/may only be/);
    expect(rejection({ search: [{ field: 'id', value: 1, lstr: '('.repeat(11), rstr: ')'.repeat(11) }] }).message).toMatch(/at most 10/);
  });

  it('refuses a join other than AND / OR', () => {
    expect(rejection({ search: [{ field: 'id', value: 1, condition: 'XOR' }] }).message).toMatch(/AND or OR/);
  });

  it('filter: equality per key, null is IS NULL, an array is IN, all ANDed to the search', () => {
    const q = compile({
      search: [
        { field: 'id', value: 1 },
        { field: 'id', value: 2, condition: 'OR' },
      ],
      filter: { label: 'a', amount: null, id: [3, 4] },
    });
    expect(q.where).toBe(
      '(o.id = CAST($1 AS bigint) OR o.id = CAST($2 AS bigint)) AND o.label = CAST($3 AS text) AND o.amount IS NULL AND o.id = ANY(CAST($4 AS bigint[]))',
    );
    expect(q.params).toEqual(['1', '2', 'a', ['3', '4']]);
  });

  it('JSON paths bind the path as a text[] parameter', () => {
    const q = compile({ filter: { 'data.kind.sub': 'a' }, orderby: ['data.rank DESC'] });
    expect(q.where).toBe('(o.data #>> CAST($1 AS text[])) = CAST($2 AS text)');
    expect(q.orderBy).toBe('(o.data #>> CAST($3 AS text[])) DESC');
    expect(q.params).toEqual([['kind', 'sub'], 'a', ['rank']]);
  });

  it('numbers placeholders from paramStart so callers can bind their own first', () => {
    expect(compile({ filter: { id: 1 } }, 3)).toMatchObject({ where: 'o.id = CAST($3 AS bigint)', params: ['1'] });
    expect(compileWhere(parseCountQuery({ filter: { id: 1 } }, COLUMNS, LIMITS), COLUMNS, { paramStart: 2 })).toEqual({
      where: 'o.id = CAST($2 AS bigint)',
      params: ['1'],
    });
  });

  it('no conditions: no where', () => {
    expect(compile({}).where).toBeNull();
  });
});

describe('list query: fields, orderby, limits', () => {
  it('fields default to every column, in declaration order; duplicates collapse', () => {
    expect(compile({}).select).toBe(
      Object.entries(COLUMNS)
        .map(([name, c]) => `${c.sql} AS "${name}"`)
        .join(', '),
    );
    expect(compile({ fields: ['label', 'id', 'label'] }).select).toBe('o.label AS "label", o.id AS "id"');
  });

  it('orderby: field, ASC, DESC, case-insensitive; or the caller default; or none', () => {
    expect(compile({ orderby: ['label', 'id desc', 'amount ASC'] }).orderBy).toBe('o.label ASC, o.id DESC, o.amount ASC');
    expect(compileListQuery(parseListQuery({}, COLUMNS, LIMITS, { orderBy: ['id DESC'] }), COLUMNS).orderBy).toBe('o.id DESC');
    expect(compile({}).orderBy).toBeNull();
    expect(rejection({ orderby: ['id DOWN'] }).message).toMatch(/"field" or "field ASC\|DESC"/);
    expect(rejection({ orderby: Array.from({ length: 11 }, () => 'id') }).message).toMatch(/more than 10/);
  });

  it('columns can be excluded from search and sort', () => {
    expect(compile({ fields: ['secret'] }).select).toBe('o.secret AS "secret"');
    expect(rejection({ filter: { secret: 'x' } }).message).toMatch(/cannot be searched/);
    expect(rejection({ orderby: ['secret'] }).message).toMatch(/cannot be sorted/);
  });

  it('reclimit and recoffset: defaults, bounds, integers only', () => {
    expect(compile({})).toMatchObject({ limit: 100, offset: 0 });
    expect(compile({ reclimit: 1000, recoffset: '20' })).toMatchObject({ limit: 1000, offset: 20 });
    expect(rejection({ reclimit: 1001 }).message).toMatch(/between 1 and 1000/);
    expect(rejection({ reclimit: 0 }).message).toMatch(/between 1 and 1000/);
    expect(rejection({ recoffset: -1 }).message).toMatch(/between 0 and/);
    expect(rejection({ reclimit: 2.5 }).message).toMatch(/integer/);
    expect(rejection({ reclimit: '10; DROP' }).message).toMatch(/integer/);
  });

  it('count bodies accept the list keys and keep only the conditions', () => {
    const q = parseCountQuery({ fields: ['id'], orderby: ['id'], reclimit: 5, filter: { id: 1 } }, COLUMNS, LIMITS);
    expect(q).toMatchObject({ fields: [], orderBy: [], offset: 0 });
    expect(q.filter).toHaveLength(1);
  });

  it('form bodies may carry the JSON keys as JSON text', () => {
    expect(
      compile({ fields: '["id"]', search: '[{"field":"id","value":"5"}]', filter: '{"label":"x"}', orderby: 'id DESC' }),
    ).toMatchObject({
      select: 'o.id AS "id"',
      where: '(o.id = CAST($1 AS bigint)) AND o.label = CAST($2 AS text)',
      orderBy: 'o.id DESC',
    });
    expect(rejection({ search: '[{"field":' }).message).toMatch(/not valid JSON/);
  });
});

describe('list query: input validation', () => {
  it('refuses unknown keys at the top and inside conditions', () => {
    expect(rejection({ where: 'id = 1' }).details.fields).toEqual({ where: ['is not a list query key'] });
    expect(rejection({ search: [{ field: 'id', value: 1, sql: 'x' }] }).details.fields).toEqual({
      'search[0].sql': ['is not a condition key'],
    });
  });

  it('refuses unknown fields everywhere, including prototype names', () => {
    for (const body of [
      { fields: ['nope'] },
      { search: [{ field: 'nope', value: 1 }] },
      { filter: { nope: 1 } },
      { orderby: ['nope'] },
      { fields: ['constructor'] },
      JSON.parse('{"filter": {"__proto__": 1}}'),
      { search: [{ field: 'toString', value: 1 }] },
      { search: [{ field: 'label.x', value: 1 }] },
    ]) {
      expect(rejection(body).message).toMatch(/unknown field|not a list query key|field name/);
    }
  });

  it('refuses wrong shapes', () => {
    expect(rejection([]).message).toMatch(/JSON object/);
    expect(rejection({ search: {} }).message).toMatch(/array of conditions/);
    expect(rejection({ search: ['id = 1'] }).message).toMatch(/must be an object/);
    expect(rejection({ filter: [] }).message).toMatch(/object of field: value/);
    expect(rejection({ fields: [] }).message).toMatch(/non-empty array/);
    expect(rejection({ fields: [1] }).message).toMatch(/field name/);
    expect(rejection({ search: [{ field: 'label' }] }).message).toMatch(/is required with EQL/);
    expect(rejection({ search: [{ field: 'label', value: { a: 1 } }] }).message).toMatch(/string, number or boolean/);
    expect(rejection({ search: Array.from({ length: 51 }, () => ({ field: 'id', value: 1 })) }).message).toMatch(/more than 50/);
  });

  it.each([
    ['id', 'abc', /integer/],
    ['id', '1.5', /integer/],
    ['id', '99999999999999999999', /integer/],
    ['id', true, /integer/],
    ['amount', 'NaN', /number/],
    ['amount', Number.POSITIVE_INFINITY, /number/],
    ['amount', '1e5', /number/],
    ['enabled', 'yes', /true or false/],
    ['created', '2020-13-01', /real moment/],
    ['created', '31.02.2020', /real moment/],
    ['created', 'yesterday', /real moment/],
    ['created', '1.5', /real moment/],
    ['day', '2020-02-30', /real day/],
    ['day', '2020-08-12T10:20:00Z', /real day as YYYY-MM-DD, DD.MM.YYYY or epoch milliseconds/],
    ['uid', 'not-a-uuid', /UUID/],
    ['label', 'a\u0000b', /NUL/],
    ['label', 'x'.repeat(1001), /longer than 1000/],
    ['data', 'not json', /JSON object or array/],
    ['data', '42', /JSON object or array/],
  ])('refuses %s = %j before PostgreSQL would', (field, value, message) => {
    const compare = field === 'data' ? 'GIN' : 'EQL';
    expect(rejection({ search: [{ field, compare, value }] }).message).toMatch(message);
  });

  it.each([
    ['created', '2020-08-12', '2020-08-12T00:00:00.000Z'],
    ['created', '2020-08-12T10:20:30.123Z', '2020-08-12T10:20:30.123Z'],
    ['created', '2020-08-12T13:20:30+03:00', '2020-08-12T10:20:30.000Z'],
    ['created', '12.08.2020 10:20', '2020-08-12T10:20:00.000Z'],
    ['created', '12.08.2020 10:20:30', '2020-08-12T10:20:30.000Z'],
    ['created', 1597227630000, '2020-08-12T10:20:30.000Z'],
    ['created', '1597227630000', '2020-08-12T10:20:30.000Z'],
    ['day', '12.08.2020', '2020-08-12'],
    ['day', '2020-08-12', '2020-08-12'],
    ['day', 1597227630000, '2020-08-12'],
    ['day', '1597227630000', '2020-08-12'],
    ['enabled', 'TRUE', true],
    ['enabled', 0, false],
    ['uid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ['id', 42, '42'],
  ])('converts %s = %j to %j', (field, value, bound) => {
    expect(where([{ field, value }]).params).toEqual([bound]);
  });

  it('names the offending key in the error details and does not echo huge input', () => {
    const err = rejection({
      search: [
        { field: 'id', value: 1 },
        { field: 'x'.repeat(150), value: 1 },
      ],
    });
    expect(Object.keys(err.details.fields!)).toEqual(['search[1].field']);
    expect(err.message.length).toBeLessThan(200);
  });
});
