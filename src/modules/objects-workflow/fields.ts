import { invalidField } from '../../common/validation/validation.pipe.js';

/** Keeps the requested fields of each row (all when none are asked); an unknown field is a 400. */
export function project<T extends Record<string, unknown>>(rows: T[], fields: string[] | undefined, allowed: readonly string[]): Partial<T>[] {
  if (!fields || fields.length === 0) return rows;
  const unknown = fields.filter((f) => !allowed.includes(f));
  if (unknown.length > 0) throw invalidField('fields', `unknown field(s): ${unknown.join(', ')}; allowed: ${allowed.join(', ')}`);
  return rows.map((row) => Object.fromEntries(fields.map((f) => [f, row[f]])) as Partial<T>);
}
