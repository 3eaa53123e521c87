import type { EntityManager } from 'typeorm';
import { prepared } from '../../common/database/prepared-statements.js';
import type { Language } from '../../common/i18n/language.js';
import { compileListQuery, compileWhere } from '../../common/list-query/list-query.compiler.js';
import { parseCountQuery, parseListQuery } from '../../common/list-query/list-query.parser.js';
import type { ColumnMap, ColumnSpec, ListQueryLimits } from '../../common/list-query/list-query.types.js';
import { type AccessService, forbidden, methodAllowed, objectNotFound } from './access.service.js';
import type { RequestContext } from './request-context.js';
import type { Actor } from './workflow-handler.js';
import { methodItem, methodsInState } from './workflow.decision.js';
import type { WorkflowRepository } from './workflow.repository.js';
import { numbersIn, projectFields } from '../../common/list-query/result-rows.js';

const col = (sql: string, type: ColumnSpec['type']): ColumnSpec => ({ sql, type });
/** Language codes are constants of ours, so they may appear in the SQL of a column. */
const label = (expr: string, lang: Language) => `(${expr}->>'${lang === 'en' ? 'en' : 'ru'}')`;

/**
 * Seed 002 class table `object`: the fields every object has. Lookup fields are scalar subqueries by
 * primary key rather than joins: a list then joins three tables, not a dozen, which keeps planning cheap
 * and lets the planner start from the class table's indexes.
 */
export function objectColumns(lang: Language, stateRef = 'o.state_id'): Record<string, ColumnSpec> {
  const klass = (expr: string) => `(SELECT ${expr} FROM object_class c WHERE c.id = o.class_id)`;
  const type = (expr: string) => `(SELECT ${expr} FROM object_type t WHERE t.id = o.type_id)`;
  const state = (expr: string) => `(SELECT ${expr} FROM state s WHERE s.id = ${stateRef})`;
  const stateType = (expr: string) => `(SELECT ${expr} FROM state s JOIN state_type st ON st.id = s.type_id WHERE s.id = ${stateRef})`;
  const user = (column: string, expr: string) => `(SELECT ${expr} FROM app_user u WHERE u.id = o.${column})`;
  return {
    id: col('o.id', 'integer'),
    parent: col('o.parent_id', 'integer'),
    essence: col(klass('c.essence_id'), 'integer'),
    essencecode: col(`(SELECT e.code FROM object_class c JOIN essence e ON e.id = c.essence_id WHERE c.id = o.class_id)`, 'text'),
    class: col('o.class_id', 'integer'),
    classcode: col(klass('c.code'), 'text'),
    classlabel: col(klass(label('c.label', lang)), 'text'),
    type: col('o.type_id', 'integer'),
    typecode: col(type('t.code'), 'text'),
    typename: col(type(label('t.name', lang)), 'text'),
    typedescription: col(type('t.description'), 'text'),
    label: col('o.label', 'text'),
    statetype: col(state('s.type_id'), 'integer'),
    statetypecode: col(stateType('st.code'), 'text'),
    statetypename: col(stateType(label('st.name', lang)), 'text'),
    state: col(stateRef, 'integer'),
    statecode: col(state('s.code'), 'text'),
    statelabel: col(state(label('s.label', lang)), 'text'),
    lastupdate: col('o.updated', 'timestamp'),
    owner: col('o.owner_id', 'integer'),
    ownercode: col(user('owner_id', 'u.username'), 'text'),
    ownername: col(user('owner_id', 'u.name'), 'text'),
    created: col('o.created', 'timestamp'),
    oper: col('o.oper_id', 'integer'),
    opercode: col(user('oper_id', 'u.username'), 'text'),
    opername: col(user('oper_id', 'u.name'), 'text'),
    operdate: col('o.oper_date', 'timestamp'),
  };
}

/** Seed 002 class table `document`. */
export function documentColumns(): Record<string, ColumnSpec> {
  const area = (expr: string) => `(SELECT ${expr} FROM area ar WHERE ar.id = d.area_id)`;
  return {
    area: col('d.area_id', 'integer'),
    areacode: col(area('ar.code'), 'text'),
    areaname: col(area('ar.name'), 'text'),
    description: col('d.description', 'text'),
  };
}

/** Seed 002 class table `reference`. */
export function referenceColumns(): Record<string, ColumnSpec> {
  return { code: col('r.code', 'text'), name: col('r.name', 'text'), description: col('r.description', 'text') };
}

/** The object row, joined after the essence's own tables (see EssenceSpec.tables). */
export const OBJECT_JOINS = `JOIN object o ON o.id = base.id`;
export const DOCUMENT_JOINS = `JOIN document d ON d.id = base.id`;
export const REFERENCE_JOINS = `JOIN reference r ON r.id = base.id`;

export interface EssenceSpec {
  /** The class objects of this essence are created in (and listed from, with its subclasses). */
  classCode: string;
  /**
   * The essence's own class table aliased `base`, then its parent class tables (trusted SQL). It leads the
   * FROM so the planner can start from the class table's indexes.
   */
  tables: string;
  /** `stateRef`: the SQL of the object's state id (the current one, or the one in force at the read's date). */
  columns: (lang: Language, stateRef: string) => ColumnMap;
  /** Alias of the document table for the area filter; null for references. */
  documentAlias: string | null;
}

/** Integer columns leave as JSON numbers. */
const numbers = (row: Record<string, unknown>, columns: ColumnMap) =>
  numbersIn(
    row,
    Object.keys(row).filter((k) => columns[k]?.type === 'integer'),
  );

/**
 * The generic reads of an essence (seed 002 "Общие конечные точки"): type, method, count, get, list, with
 * the access filter in the SQL of every list and count.
 */
export class ObjectReader {
  private readonly from: string;
  /** The column specs of each language and state reference (built once: a get would otherwise rebuild thirty). */
  private readonly columnMaps = new Map<string, ColumnMap>();
  private readonly selects = new WeakMap<ColumnMap, string>();

  constructor(
    private readonly spec: EssenceSpec,
    private readonly repo: WorkflowRepository,
    private readonly access: AccessService,
    private readonly limits: ListQueryLimits,
  ) {
    this.from = `${spec.tables} ${OBJECT_JOINS}`;
  }

  /** The essence's class and its subclasses' ids; the class chain for rights. */
  private async scope(m: EntityManager, actor: Actor) {
    const root = await this.repo.classByCode(m, this.spec.classCode);
    if (!root) throw new Error(`class ${this.spec.classCode} is not seeded`);
    const chain = (await this.repo.classChain(m, root.id)).map((c) => c.id);
    const rights = await this.access.classRights(m, actor, chain);
    if (!rights.has('a')) throw forbidden();
    return { rootId: root.id, rights };
  }

  private classFilter(param: number): string {
    return `o.class_id IN (WITH RECURSIVE sub AS (SELECT id FROM object_class WHERE id = $${param}::bigint UNION ALL SELECT k.id FROM object_class k JOIN sub ON k.parent_id = sub.id) SELECT id FROM sub)`;
  }

  /** The columns of a read: the state is the one in force at the context's oper_date (alias `os`), or the current one. */
  private columns(ctx: RequestContext): ColumnMap {
    const stateRef = ctx.operDate ? 'os.state_id' : 'o.state_id';
    const key = `${ctx.language}:${stateRef}`;
    let columns = this.columnMaps.get(key);
    if (!columns) this.columnMaps.set(key, (columns = this.spec.columns(ctx.language, stateRef)));
    return columns;
  }

  /** The SELECT list of a get: every column, built once per column map. */
  private selectAll(columns: ColumnMap): string {
    let select = this.selects.get(columns);
    if (!select) {
      select = Object.entries(columns)
        .map(([k, c]) => `${c.sql} AS "${k}"`)
        .join(', ');
      this.selects.set(columns, select);
    }
    return select;
  }

  /**
   * FROM and WHERE of a read, with their parameters after `lead`: the essence's classes, the access filter, and
   * as of the context's oper_date the state interval in force then (design/objects-kernel.md section 5: an object
   * with no interval at that date did not exist yet, so lists, counts and gets leave it out alike).
   */
  private async frame(m: EntityManager, ctx: RequestContext, lead: unknown[]) {
    const { rootId, rights } = await this.scope(m, ctx.actor);
    const params = [...lead, rootId];
    const classes = this.classFilter(params.length);
    let from = this.from;
    if (ctx.operDate) {
      params.push(ctx.operDate);
      const at = `$${params.length}::timestamptz`;
      from += ` JOIN object_state os ON os.object_id = o.id AND os.valid_from <= ${at} AND os.valid_to > ${at}`;
    }
    const access = this.access.listFilter(ctx.actor, rights.has('s'), params.length + 1, this.spec.documentAlias);
    params.push(...access.params);
    return { from, where: `${classes} AND ${access.sql}`, params };
  }

  async list(m: EntityManager, body: unknown, ctx: RequestContext): Promise<Record<string, unknown>[]> {
    const columns = this.columns(ctx);
    const q = parseListQuery(body, columns, this.limits, { orderBy: ['id'] });
    const f = await this.frame(m, ctx, []);
    const compiled = compileListQuery(q, columns, { paramStart: f.params.length + 1 });
    const sql = `SELECT ${compiled.select} FROM ${f.from}
      WHERE ${f.where}${compiled.where ? ` AND (${compiled.where})` : ''}
      ${compiled.orderBy ? `ORDER BY ${compiled.orderBy}` : ''} LIMIT ${compiled.limit} OFFSET ${compiled.offset}`;
    const rows = await m.query<Record<string, unknown>[]>(sql, [...f.params, ...compiled.params]);
    return rows.map((r) => numbers(r, columns));
  }

  async count(m: EntityManager, body: unknown, ctx: RequestContext): Promise<{ count: number }> {
    const columns = this.columns(ctx);
    const q = parseCountQuery(body, columns, this.limits);
    const f = await this.frame(m, ctx, []);
    const { where, params } = compileWhere(q, columns, { paramStart: f.params.length + 1 });
    const [row] = await m.query<{ count: string }[]>(
      `SELECT count(*) AS count FROM ${f.from} WHERE ${f.where}${where ? ` AND (${where})` : ''}`,
      [...f.params, ...params],
    );
    return { count: Number(row.count) };
  }

  /** One object as `/get` shows it; 404 when it does not exist (at the read's date) or the actor may not see it. */
  async get(m: EntityManager, id: string, fields: string[] | undefined, ctx: RequestContext): Promise<Record<string, unknown>> {
    const columns = this.columns(ctx);
    const f = await this.frame(m, ctx, [id]);
    const select = this.selectAll(columns);
    // One text per essence, language, as-of or not, and administrator or not: a prepared statement (its thirty
    // lookup columns cost more to plan than to run).
    const [row] = await m.query<Record<string, unknown>[]>(
      prepared(`SELECT ${select} FROM ${f.from} WHERE o.id = $1 AND ${f.where}`),
      f.params,
    );
    if (!row) throw objectNotFound(id);
    return projectFields([numbers(row, columns)], fields, Object.keys(columns))[0];
  }

  /** `/type`: the types of the essence's class. */
  async types(m: EntityManager, fields: string[] | undefined, lang: Language): Promise<Record<string, unknown>[]> {
    const rows = await m.query<Record<string, unknown>[]>(
      `SELECT t.id::int8 AS id, t.class_id AS class, c.code AS classcode, t.code, t.name->>$2 AS name, t.description
         FROM object_type t JOIN object_class c ON c.id = t.class_id WHERE c.code = $1 ORDER BY t.id`,
      [this.spec.classCode, lang],
    );
    return projectFields(
      rows.map((r) => numbersIn(r, ['id', 'class'])),
      fields,
      ['id', 'class', 'classcode', 'code', 'name', 'description'],
    );
  }

  /** `/method`: what the actor may run on the object in its current state. */
  async methods(m: EntityManager, id: string, ctx: RequestContext) {
    const { actor, language: lang } = ctx;
    // get() also answers 404 for an object the actor may not see.
    const o = await this.get(m, id, ['class', 'state'], ctx);
    const chain = (await this.repo.classChain(m, String(o.class))).map((c) => c.id);
    const offered = methodsInState(await this.repo.methods(m, chain), chain, String(o.state)).filter((x) => x.visible);
    const facts = await this.access.facts(m, actor, { chain, methodIds: offered.map((x) => x.id) });
    const out = offered.filter((x) => methodAllowed(facts, x.id)).map((x) => methodItem(x, lang));
    return out;
  }
}
