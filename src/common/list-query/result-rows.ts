import { invalidField } from '../validation/validation.pipe.js';

/** Keeps the requested fields of each row (all when none are asked); an unknown field is a 400. */
export function projectFields<T extends Record<string, unknown>>(
  rows: T[],
  fields: string[] | undefined,
  allowed: readonly string[],
): Partial<T>[] {
  if (!fields || fields.length === 0) return rows;
  const unknown = fields.filter((f) => !allowed.includes(f));
  if (unknown.length > 0) throw invalidField('fields', `unknown field(s): ${unknown.join(', ')}; allowed: ${allowed.join(', ')}`);
  return rows.map((row) => Object.fromEntries(fields.map((f) => [f, row[f]])) as Partial<T>);
}

/** bigint columns arrive from pg as strings; the seeds show ids as JSON numbers (ours stay below 2^53). */
export function numbersIn<T extends Record<string, unknown>>(row: T, keys: Iterable<string>): T {
  const out: Record<string, unknown> = { ...row };
  for (const k of keys) if (typeof out[k] === 'string' && /^-?\d+$/.test(out[k])) out[k] = Number(out[k]);
  return out as T;
}
