/**
 * The list query language of every `/list` and `/count` (seed 002, "Общие параметры запроса для списка").
 *
 * Body keys: `fields` (array of field names), `search` (array of conditions), `filter` (object: field ->
 * value, a short form of search), `reclimit`, `recoffset`, `orderby` (array of `"field"` or `"field ASC|DESC"`).
 * Any other key is refused. A condition is `{condition: AND|OR, field, compare, value, valarr, lstr, rstr}`:
 * compare is EQL (default) NEQ LSS LEQ GTR GEQ GIN (JSON contains) LKE (LIKE) ISN (IS NULL) INN (IS NOT NULL);
 * `valarr` means IN (...) and overrides compare/value; `lstr`/`rstr` open and close parentheses (`(`, `((`...).
 * A condition's `condition` joins it to the one before it (the first one's is ignored); filter conditions are
 * ANDed to the whole search. A json column's keys can be reached as `column.key.subkey`.
 *
 * This module only validates and normalises: every field must be a declared column, every value is converted
 * to the column's type (so PostgreSQL never sees a value it cannot cast), every input is bounded. The compiler
 * (list-query.compiler.ts) then emits SQL in which user input appears only as bound parameters.
 */
import { DomainError } from '../errors/domain-error.js';
import { parseCalendarDate, parseTimestamp } from '../validation/dates.js';
import type { ColumnMap, ColumnSpec, Compare, Condition, FieldRef, ListQuery, ListQueryLimits, OrderBy } from './list-query.types.js';

const TOP_LEVEL_KEYS = new Set(['fields', 'search', 'filter', 'reclimit', 'recoffset', 'orderby']);
const CONDITION_KEYS = new Set(['condition', 'field', 'compare', 'value', 'valarr', 'lstr', 'rstr']);
const COMPARES = new Set<Compare>(['EQL', 'NEQ', 'LSS', 'LEQ', 'GTR', 'GEQ', 'GIN', 'LKE', 'ISN', 'INN']);
const ORDERING: ReadonlySet<Compare> = new Set(['LSS', 'LEQ', 'GTR', 'GEQ']);

const DEFAULT_LIMITS = { maxConditions: 50, maxValarr: 100, maxValueLength: 1000, maxOrderBy: 10 };
const MAX_OFFSET = 10_000_000;
const MAX_FIELD_NAME = 200;
const MAX_PARENS = 10;
const JSON_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const MAX_JSON_PATH = 5;

type Limits = Required<ListQueryLimits>;

/** Stops parsing with a 400 that names the offending key (`search[2].field`). */
function fail(key: string, message: string): never {
  throw new DomainError('LIST_QUERY_INVALID', `Invalid list query: ${key} ${message}`, { fields: { [key]: [message] } });
}

/** User text quoted in a message, cut short so a huge input is never echoed back. */
function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Form bodies carry JSON-valued keys as strings: `search=[{...}]`. */
function jsonValued(value: unknown, key: string): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('[') && !text.startsWith('{')) return value;
  try {
    return JSON.parse(text);
  } catch {
    return fail(key, 'is not valid JSON');
  }
}

export function parseListQuery(
  body: unknown,
  columns: ColumnMap,
  limits: ListQueryLimits,
  defaults: { orderBy?: string[] } = {},
): ListQuery {
  const all: Limits = { ...DEFAULT_LIMITS, ...limits };
  const input = body === undefined || body === null ? {} : body;
  if (!isPlainObject(input)) fail('body', 'must be a JSON object');
  for (const key of Object.keys(input)) if (!TOP_LEVEL_KEYS.has(key)) fail(key, 'is not a list query key');

  const search = parseSearch(jsonValued(input.search, 'search'), columns, all);
  const filter = parseFilter(jsonValued(input.filter, 'filter'), columns, all);
  return {
    fields: parseFields(jsonValued(input.fields, 'fields'), columns),
    search,
    filter,
    orderBy: parseOrderBy(jsonValued(input.orderby, 'orderby') ?? defaults.orderBy, columns, all),
    limit: parseInteger(input.reclimit, 'reclimit', 1, all.maxLimit) ?? all.defaultLimit,
    offset: parseInteger(input.recoffset, 'recoffset', 0, MAX_OFFSET) ?? 0,
  };
}

/** The same body as for `/list` (clients send one body to both); only search and filter matter to a count. */
export function parseCountQuery(body: unknown, columns: ColumnMap, limits: ListQueryLimits): ListQuery {
  return { ...parseListQuery(body, columns, limits), fields: [], orderBy: [], offset: 0 };
}

function parseFields(value: unknown, columns: ColumnMap): string[] {
  if (value === undefined) return Object.keys(columns);
  if (!Array.isArray(value) || value.length === 0) fail('fields', 'must be a non-empty array of field names');
  if (value.length > Object.keys(columns).length * 2) fail('fields', 'lists too many fields');
  const fields = value.map((name, i) => {
    const key = `fields[${i}]`;
    if (typeof name !== 'string' || !Object.hasOwn(columns, name)) fail(key, unknownField(name));
    return name;
  });
  return [...new Set(fields)];
}

function unknownField(name: unknown): string {
  return typeof name === 'string' ? `names an unknown field ${quote(name)}` : 'must be a field name';
}

/** A declared column, or `jsonColumn.key[.key...]`. */
function resolveField(name: unknown, columns: ColumnMap, key: string, use: 'search' | 'sort'): FieldRef & { spec: ColumnSpec } {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_FIELD_NAME) fail(key, 'must be a field name');
  const [base = '', ...path] = name.split('.');
  if (!Object.hasOwn(columns, base)) fail(key, unknownField(name));
  const spec = columns[base];
  if (path.length > 0) {
    if (spec.type !== 'json') fail(key, unknownField(name));
    if (path.length > MAX_JSON_PATH || !path.every((k) => JSON_KEY.test(k))) fail(key, `has an invalid JSON path ${quote(name)}`);
  }
  if (use === 'search' && spec.searchable === false) fail(key, `field ${quote(base)} cannot be searched`);
  if (use === 'sort' && spec.sortable === false) fail(key, `field ${quote(base)} cannot be sorted`);
  return path.length > 0 ? { field: base, path, spec } : { field: base, spec };
}

function parseSearch(value: unknown, columns: ColumnMap, limits: Limits): Condition[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('search', 'must be an array of conditions');
  if (value.length > limits.maxConditions) fail('search', `has more than ${limits.maxConditions} conditions`);
  let depth = 0;
  const conditions = value.map((raw, i) => {
    const condition = parseCondition(raw, `search[${i}]`, columns, limits);
    depth += condition.open - condition.close;
    if (depth < 0) fail(`search[${i}].rstr`, 'closes a parenthesis that was never opened');
    return condition;
  });
  if (depth !== 0) fail('search', `leaves ${depth} parenthesis(es) unclosed`);
  return conditions;
}

function parseCondition(raw: unknown, key: string, columns: ColumnMap, limits: Limits): Condition {
  if (!isPlainObject(raw)) fail(key, 'must be an object');
  for (const k of Object.keys(raw)) if (!CONDITION_KEYS.has(k)) fail(`${key}.${k}`, 'is not a condition key');
  const ref = resolveField(raw.field, columns, `${key}.field`, 'search');
  const join = parseJoin(raw.condition, `${key}.condition`);
  const open = parseParens(raw.lstr, `${key}.lstr`, '(');
  const close = parseParens(raw.rstr, `${key}.rstr`, ')');
  const base = { field: ref.field, ...(ref.path ? { path: ref.path } : {}), join, open, close };

  if (raw.valarr !== undefined) return { ...base, compare: 'IN', values: parseValarr(raw.valarr, ref, `${key}.valarr`, limits) };

  const compare = parseCompare(raw.compare, `${key}.compare`);
  if (compare === 'ISN' || compare === 'INN') {
    if (raw.value !== undefined && raw.value !== null) fail(`${key}.value`, `must be omitted with ${compare}`);
    return { ...base, compare };
  }
  checkCompareFits(compare, ref, `${key}.compare`);
  if (raw.value === undefined || raw.value === null) fail(`${key}.value`, `is required with ${compare} (use ISN or INN for NULL)`);
  return { ...base, compare, value: convertValue(raw.value, valueType(ref), `${key}.value`, limits) };
}

function parseJoin(value: unknown, key: string): 'AND' | 'OR' {
  if (value === undefined || value === null) return 'AND';
  const join = typeof value === 'string' ? value.toUpperCase() : value;
  if (join !== 'AND' && join !== 'OR') fail(key, 'must be AND or OR');
  return join;
}

function parseCompare(value: unknown, key: string): Compare {
  if (value === undefined || value === null) return 'EQL';
  const compare = typeof value === 'string' ? value.toUpperCase() : value;
  if (!COMPARES.has(compare as Compare)) fail(key, `must be one of ${[...COMPARES].join(', ')}`);
  return compare as Compare;
}

function parseParens(value: unknown, key: string, paren: '(' | ')'): number {
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value !== 'string' || value.length > MAX_PARENS || ![...value].every((c) => c === paren)) {
    fail(key, `may only be ${quote(paren)}, repeated at most ${MAX_PARENS} times`);
  }
  return value.length;
}

/** Which compares make sense for which columns (a JSON path reads as text). */
function checkCompareFits(compare: Compare, ref: FieldRef & { spec: ColumnSpec }, key: string): void {
  const type = valueType(ref);
  if (compare === 'GIN' && type !== 'json') fail(key, 'GIN applies to JSON fields only');
  if (compare === 'LKE' && type !== 'text') fail(key, 'LKE applies to text fields only');
  if (type === 'json' && compare !== 'GIN' && compare !== 'EQL' && compare !== 'NEQ') fail(key, `${compare} does not apply to JSON fields`);
  if (type === 'boolean' && ORDERING.has(compare)) fail(key, `${compare} does not apply to boolean fields`);
}

/** What a field's values are: its column's type, or text for a key inside a JSON column. */
function valueType(ref: FieldRef & { spec: ColumnSpec }): ColumnSpec['type'] {
  return ref.path ? 'text' : ref.spec.type;
}

function parseValarr(value: unknown, ref: FieldRef & { spec: ColumnSpec }, key: string, limits: Limits): unknown[] {
  if (!Array.isArray(value) || value.length === 0) fail(key, 'must be a non-empty array');
  if (value.length > limits.maxValarr) fail(key, `has more than ${limits.maxValarr} values`);
  const type = valueType(ref);
  if (type === 'json') fail(key, 'does not apply to JSON fields');
  return value.map((v, i) => convertValue(v, type, `${key}[${i}]`, limits));
}

function parseFilter(value: unknown, columns: ColumnMap, limits: Limits): Condition[] {
  if (value === undefined) return [];
  if (!isPlainObject(value)) fail('filter', 'must be an object of field: value');
  const entries = Object.entries(value);
  if (entries.length > limits.maxConditions) fail('filter', `has more than ${limits.maxConditions} fields`);
  return entries.map(([name, v]) => {
    const key = `filter.${name.length > 64 ? `${name.slice(0, 64)}…` : name}`;
    const ref = resolveField(name, columns, key, 'search');
    const base = { field: ref.field, ...(ref.path ? { path: ref.path } : {}), join: 'AND' as const, open: 0, close: 0 };
    if (v === null) return { ...base, compare: 'ISN' as const };
    if (Array.isArray(v) && valueType(ref) !== 'json') return { ...base, compare: 'IN' as const, values: parseValarr(v, ref, key, limits) };
    return { ...base, compare: 'EQL' as const, value: convertValue(v, valueType(ref), key, limits) };
  });
}

const ORDER_ITEM = /^\s*([^\s]+)(?:\s+(ASC|DESC))?\s*$/i;

function parseOrderBy(value: unknown, columns: ColumnMap, limits: Limits): OrderBy[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items)) fail('orderby', 'must be an array of "field" or "field ASC|DESC"');
  if (items.length > limits.maxOrderBy) fail('orderby', `has more than ${limits.maxOrderBy} entries`);
  return items.map((item, i) => {
    const key = `orderby[${i}]`;
    const match = typeof item === 'string' && item.length <= MAX_FIELD_NAME + 6 ? ORDER_ITEM.exec(item) : null;
    if (!match) fail(key, 'must be "field" or "field ASC|DESC"');
    const ref = resolveField(match[1], columns, key, 'sort');
    return { field: ref.field, ...(ref.path ? { path: ref.path } : {}), direction: (match[2]?.toUpperCase() ?? 'ASC') as 'ASC' | 'DESC' };
  });
}

function parseInteger(value: unknown, key: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) fail(key, 'must be an integer');
  if (n < min || n > max) fail(key, `must be between ${min} and ${max}`);
  return n;
}

// ---- values ------------------------------------------------------------------------------------------

const INTEGER = /^-?\d{1,18}$/;
const NUMERIC = /^-?\d{1,30}(\.\d{1,30})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Converts a client value to what is bound for a column of `type`; refuses what PostgreSQL could not cast. */
function convertValue(value: unknown, type: ColumnSpec['type'], key: string, limits: Limits): unknown {
  if (type === 'json') return toJson(value, key, limits);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    fail(key, 'must be a string, number or boolean');
  const text = String(value);
  if (text.length > limits.maxValueLength) fail(key, `is longer than ${limits.maxValueLength} characters`);
  if (text.includes('\u0000')) fail(key, 'must not contain NUL characters');
  switch (type) {
    case 'text':
      return text;
    case 'integer':
      if (typeof value === 'boolean' || !INTEGER.test(text.trim()) || !Number.isSafeInteger(Number(text))) fail(key, 'must be an integer');
      return text.trim();
    case 'numeric':
      if (typeof value === 'boolean' || (typeof value === 'number' && !Number.isFinite(value)) || !NUMERIC.test(text.trim()))
        fail(key, 'must be a number');
      return text.trim();
    case 'boolean':
      if (['true', '1'].includes(text.toLowerCase())) return true;
      if (['false', '0'].includes(text.toLowerCase())) return false;
      return fail(key, 'must be true or false');
    case 'uuid':
      if (!UUID.test(text)) fail(key, 'must be a UUID');
      return text.toLowerCase();
    case 'timestamp':
    case 'date':
      return toDateTime(value, type, key);
  }
}

function toJson(value: unknown, key: string, limits: Limits): string {
  const parsed = typeof value === 'string' ? safeJsonParse(value, key) : value;
  if (typeof parsed !== 'object' || parsed === null) fail(key, 'must be a JSON object or array');
  const text = JSON.stringify(parsed);
  if (text.length > limits.maxValueLength) fail(key, `is longer than ${limits.maxValueLength} characters`);
  if (text.includes('\\u0000')) fail(key, 'must not contain NUL characters');
  return text;
}

function safeJsonParse(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail(key, 'must be a JSON object or array');
  }
}

/**
 * Timestamps and dates by the API's one rule (src/common/validation/dates.ts): a timestamp as epoch milliseconds
 * (number or digits), ISO 8601 or `dd.mm.yyyy[ hh:mm[:ss]]`, UTC without an offset; a date as `YYYY-MM-DD`,
 * `DD.MM.YYYY` or epoch milliseconds. Returns ISO text for a `::timestamptz` / `::date` cast; an impossible
 * date (31.02) is refused.
 */
function toDateTime(value: string | number | boolean, type: 'timestamp' | 'date', key: string): string {
  if (type === 'date') return parseCalendarDate(value) ?? fail(key, 'must be a real day as YYYY-MM-DD, DD.MM.YYYY or epoch milliseconds');
  const at = parseTimestamp(value);
  if (!at) return fail(key, 'must be a real moment as epoch milliseconds, ISO 8601 or dd.mm.yyyy[ hh:mm[:ss]]');
  return at.toISOString();
}
