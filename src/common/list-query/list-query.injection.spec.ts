import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error.js';
import { compileListQuery } from './list-query.compiler.js';
import { parseListQuery } from './list-query.parser.js';
import type { ColumnMap } from './list-query.types.js';

/**
 * Injection corpus: hostile strings in every place a client can put text. Each attempt must be refused with
 * LIST_QUERY_INVALID, or compile to SQL made only of trusted pieces, with the hostile text (if anywhere) in the
 * bound parameters.
 */
const COLUMNS: ColumnMap = {
  id: { sql: 'o.id', type: 'integer' },
  label: { sql: 'o.label', type: 'text' },
  created: { sql: 'o.created', type: 'timestamp' },
  data: { sql: 'o.data', type: 'json' },
};
const LIMITS = { defaultLimit: 10, maxLimit: 100 };

const PAYLOADS = [
  'id; DROP TABLE users',
  'id--',
  'id/*',
  '*/',
  'id)',
  '(id',
  '1=1',
  "' OR '1'='1",
  '" OR "1"="1',
  "id' --",
  'id\u0000',
  'id\nOR 1=1',
  'id\tDESC',
  "label||'x'",
  'pg_sleep(10)',
  '(SELECT 1)',
  'id UNION SELECT password FROM users',
  '$1',
  '$$',
  ':lq0',
  '::text',
  'id::text',
  'ｉｄ',
  'іd',
  'id\u200b',
  'ID',
  'o.id',
  '"id"',
  '`id`',
  '[id]',
  'id,label',
  '*',
  '',
  ' ',
  '1',
  'null',
  '__proto__',
  'constructor',
  "data->>'a'",
  "data #>> '{a}'",
  "' ; COPY x TO PROGRAM 'sh' --",
  "E'\\x27'",
  "U&'\\0027'",
  'chr(39)',
  "lo_import('/etc/passwd')",
  'id) OR (1=1',
  'id ASC NULLS FIRST',
  'id DESC, (SELECT 1)',
  'id ASC;',
  '\\',
];

const JSON_PATHS = [
  "data.a'--",
  'data.a->>b',
  'data.',
  'data..a',
  'data.a b',
  'data.1a',
  'data.a;b',
  'data.a.b.c.d.e.f',
  'data.$a',
  'data.a"',
  'data.a)',
  'data.__proto__.x',
];

type Attempt = [place: string, body: Record<string, unknown>, payload: string];

const attempts: Attempt[] = [
  ...PAYLOADS.flatMap((p): Attempt[] => [
    ['search field', { search: [{ field: p, value: '1' }] }, p],
    ['filter key', { filter: { [p]: '1' } }, p],
    ['fields entry', { fields: [p] }, p],
    ['orderby entry', { orderby: [p] }, p],
    ['orderby with direction', { orderby: [`label ${p}`] }, p],
    ['lstr', { search: [{ field: 'id', value: '1', lstr: p, rstr: ')' }] }, p],
    ['rstr', { search: [{ field: 'id', value: '1', lstr: '(', rstr: p }] }, p],
    ['compare', { search: [{ field: 'id', compare: p, value: '1' }] }, p],
    [
      'condition',
      {
        search: [
          { field: 'id', value: '1' },
          { field: 'id', value: '2', condition: p },
        ],
      },
      p,
    ],
    ['text value', { search: [{ field: 'label', value: p }] }, p],
    ['LIKE value', { search: [{ field: 'label', compare: 'LKE', value: p }] }, p],
    ['valarr item', { search: [{ field: 'label', valarr: ['a', p] }] }, p],
    ['integer value', { search: [{ field: 'id', value: p }] }, p],
    // An accepted moment is bound converted (digits are epoch milliseconds): only the SQL text is checked.
    ['date moment', { search: [{ field: 'created', compare: 'GEQ', value: p }] }, p],
    ['json path value', { filter: { 'data.kind': p } }, p],
    ['GIN value', { search: [{ field: 'data', compare: 'GIN', value: { k: p } }] }, p],
  ]),
  ...JSON_PATHS.flatMap((p): Attempt[] => [
    ['json path field', { search: [{ field: p, value: 'x' }] }, p],
    ['json path filter', { filter: { [p]: 'x' } }, p],
    ['json path orderby', { orderby: [`${p} DESC`] }, p],
  ]),
];

/** What compiled SQL may contain once the trusted pieces are taken out: nothing but keywords and punctuation. */
const TRUSTED = [
  /o\.(id|label|created|data)/g,
  /CAST\(\$\d+ AS [a-z]+(\[\])?\)/g,
  /\b(AND|OR|IS|NOT|NULL|LIKE|ANY|ASC|DESC|AS)\b/g,
  /"(id|label|created|data)"/g,
  /<>|<=|>=|@>|#>>|[=<>(),\s]/g,
];

function residue(sql: string): string {
  return TRUSTED.reduce((rest, pattern) => rest.replace(pattern, ''), sql);
}

/** The payload among the bound values: as is, trimmed (numbers), in an IN list, or inside a GIN document. */
function bound(params: unknown[], payload: string): boolean {
  return params.flat().some((v) => {
    if (v === payload || v === payload.trim()) return true;
    if (typeof v !== 'string' || !v.startsWith('{')) return false;
    return (JSON.parse(v) as { k?: string }).k === payload;
  });
}

describe('list query: injection corpus', () => {
  it('has at least 100 attempts', () => {
    expect(attempts.length).toBeGreaterThanOrEqual(100);
  });

  it.each(attempts)('%s: %j', (place, body, payload) => {
    let compiled;
    try {
      compiled = compileListQuery(parseListQuery(body, COLUMNS, LIMITS), COLUMNS);
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('LIST_QUERY_INVALID');
      return;
    }
    const sql = [compiled.select, compiled.where ?? '', compiled.orderBy ?? ''].join(' ');
    // The SQL text is made of trusted pieces only: no room for the payload...
    expect(residue(sql)).toBe('');
    // ...and an accepted value travels as a bound parameter.
    if (/value|item/.test(place)) expect(bound(compiled.params, payload)).toBe(true);
  });
});
