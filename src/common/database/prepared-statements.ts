import pg from 'pg';

/** More distinct texts than this are a bug (a text built per request), not a hot statement: refused loudly. */
const MAX_STATEMENTS = 200;

const names = new Map<string, string>();

/**
 * Marks a fixed SQL text as a named prepared statement and answers the text, so that repositories keep passing
 * strings to `query()`. PostgreSQL parses and plans an unnamed statement on every call: the session view's joins
 * cost 7 ms of planning against 0.2 ms of execution on our 2-core box, and every action's statements were parsed
 * again each time. A named statement is parsed once per connection, and after five runs PostgreSQL keeps its
 * generic plan when that is no worse (plan_cache_mode auto). Only texts that never vary per request belong
 * here (built once at module load or once per essence and language); lists, whose SQL follows the request, stay
 * unnamed.
 */
export function prepared(text: string): string {
  if (!names.has(text)) {
    if (names.size >= MAX_STATEMENTS) throw new Error(`more than ${MAX_STATEMENTS} prepared statements: one is built per request`);
    names.set(text, `platform_${names.size + 1}`);
  }
  return text;
}

/** The name a text is prepared under, if it was marked (for tests and diagnostics). */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}

type Query = (this: pg.Client, ...args: unknown[]) => unknown;
const query = Reflect.get(pg.Client.prototype, 'query') as Query;

/**
 * The pool's client (data-source.ts passes it as pg-pool's `Client`): a marked text goes out as a named
 * statement, anything else exactly as pg would send it. pg itself keeps, per connection, which names it has
 * parsed, and sends Parse only the first time.
 */
export class PreparingClient extends pg.Client {}

Object.defineProperty(PreparingClient.prototype, 'query', {
  value: function preparedQuery(this: pg.Client, config: unknown, ...rest: unknown[]): unknown {
    const name = typeof config === 'string' ? names.get(config) : undefined;
    // A fresh config object each call: pg writes the values into it.
    return query.call(this, name ? { name, text: config } : config, ...rest);
  },
  writable: true,
  configurable: true,
});
