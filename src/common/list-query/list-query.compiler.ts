import { Brackets, type SelectQueryBuilder } from 'typeorm';
import type { ColumnMap, ColumnType, Condition, FieldRef, ListQuery } from './list-query.types.js';

/** SQL fragments of a list query; user input appears only in `params`. */
export interface CompiledListQuery {
  /** `o.id AS "id", o.label AS "label"` */
  select: string;
  /** Without the WHERE keyword; null when there is no condition. */
  where: string | null;
  /** Without ORDER BY; null when unordered. */
  orderBy: string | null;
  limit: number;
  offset: number;
  params: unknown[];
}

const CAST: Record<ColumnType, string> = {
  text: 'text',
  integer: 'bigint',
  numeric: 'numeric',
  boolean: 'boolean',
  timestamp: 'timestamptz',
  date: 'date',
  json: 'jsonb',
  uuid: 'uuid',
};

const OPERATOR = { EQL: '=', NEQ: '<>', LSS: '<', LEQ: '<=', GTR: '>', GEQ: '>=', GIN: '@>', LKE: 'LIKE' } as const;

const ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Collects bound values and names their placeholders: `$n` for pg, `:lqN` for TypeORM query builders. */
class Parameters {
  readonly values: unknown[] = [];

  constructor(private readonly placeholder: (index: number) => string) {}

  bind(value: unknown, type: string): string {
    this.values.push(value);
    return `CAST(${this.placeholder(this.values.length - 1)} AS ${type})`;
  }
}

function fieldSql(ref: FieldRef, columns: ColumnMap, params: Parameters): string {
  const column = columns[ref.field].sql;
  return ref.path ? `(${column} #>> ${params.bind(ref.path, 'text[]')})` : column;
}

function conditionSql(c: Condition, columns: ColumnMap, params: Parameters): string {
  const field = fieldSql(c, columns, params);
  const type = c.path ? 'text' : CAST[columns[c.field].type];
  switch (c.compare) {
    case 'ISN':
      return `${field} IS NULL`;
    case 'INN':
      return `${field} IS NOT NULL`;
    case 'IN':
      return `${field} = ANY(${params.bind(c.values, `${type}[]`)})`;
    default:
      return `${field} ${OPERATOR[c.compare]} ${params.bind(c.value, type)}`;
  }
}

/** Search conditions joined left to right with their own AND/OR and parentheses; filters ANDed to the whole. */
function whereSql(q: ListQuery, columns: ColumnMap, params: Parameters): string | null {
  const search = q.search
    .map((c, i) => `${i > 0 ? ` ${c.join} ` : ''}${'('.repeat(c.open)}${conditionSql(c, columns, params)}${')'.repeat(c.close)}`)
    .join('');
  const parts = [...(search ? [`(${search})`] : []), ...q.filter.map((c) => conditionSql(c, columns, params))];
  return parts.length > 0 ? parts.join(' AND ') : null;
}

function orderBySql(q: ListQuery, columns: ColumnMap, params: Parameters): string | null {
  return q.orderBy.length > 0 ? q.orderBy.map((o) => `${fieldSql(o, columns, params)} ${o.direction}`).join(', ') : null;
}

/** [sql, alias] of each selected field; aliases are declared names, checked to need no quoting. */
function selectItems(q: ListQuery, columns: ColumnMap): [sql: string, alias: string][] {
  return q.fields.map((name) => {
    if (!ALIAS.test(name)) throw new Error(`list column name ${JSON.stringify(name)} is not a plain identifier`);
    return [columns[name].sql, name];
  });
}

/** Compiles to SQL with positional placeholders from `$paramStart`, for `dataSource.query(sql, params)`. */
export function compileListQuery(q: ListQuery, columns: ColumnMap, opts: { paramStart?: number } = {}): CompiledListQuery {
  const start = opts.paramStart ?? 1;
  const params = new Parameters((i) => `$${start + i}`);
  const where = whereSql(q, columns, params);
  const orderBy = orderBySql(q, columns, params);
  const select = selectItems(q, columns)
    .map(([sql, alias]) => `${sql} AS "${alias}"`)
    .join(', ');
  return { select, where, orderBy, limit: q.limit, offset: q.offset, params: params.values };
}

/** Only the WHERE part (for `/count`). */
export function compileWhere(
  q: ListQuery,
  columns: ColumnMap,
  opts: { paramStart?: number } = {},
): { where: string | null; params: unknown[] } {
  const start = opts.paramStart ?? 1;
  const params = new Parameters((i) => `$${start + i}`);
  return { where: whereSql(q, columns, params), params: params.values };
}

/**
 * Applies a list query to a TypeORM query builder (read with getRawMany/getRawOne): select, where (ANDed to
 * what the builder already has, e.g. access filters), order, limit and offset. `countOnly` applies the where.
 */
export function applyListQuery<T extends object>(
  qb: SelectQueryBuilder<T>,
  q: ListQuery,
  columns: ColumnMap,
  opts: { countOnly?: boolean } = {},
): SelectQueryBuilder<T> {
  const params = new Parameters((i) => `:lq${i}`);
  const where = whereSql(q, columns, params);
  if (where) qb.andWhere(new Brackets((b) => b.where(where)));
  if (!opts.countOnly) {
    selectItems(q, columns).forEach(([sql, alias], i) => (i === 0 ? qb.select(sql, alias) : qb.addSelect(sql, alias)));
    q.orderBy.forEach((o, i) => {
      const expr = fieldSql(o, columns, params);
      if (i === 0) qb.orderBy(expr, o.direction);
      else qb.addOrderBy(expr, o.direction);
    });
    qb.limit(q.limit).offset(q.offset);
  }
  params.values.forEach((value, i) => qb.setParameter(`lq${i}`, value));
  return qb;
}
