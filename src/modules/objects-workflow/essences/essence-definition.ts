import type { Type } from '@nestjs/common';
import type { DomainError } from '../../../common/errors/domain-error.js';
import type { Language } from '../../../common/i18n/language.js';
import type { ColumnSpec } from '../../../common/list-query/list-query.types.js';
import type { Actor } from '../workflow-handler.js';

/** What every `set` body has (seed 002 "Действие установить"): no `id` creates, an `id` changes the given keys. */
export interface EssenceSetBody {
  id?: string | null;
  parent?: string | null;
  /** The type's code (the definition's `defaultType` when a new object names none). */
  type?: string;
  /** `document` and `reference` essences: the parent class table's description. */
  description?: string | null;
  /** `reference` essences: the reference's code (required to create) and name. */
  code?: string;
  name?: unknown;
}

/** A value written through a trusted SQL expression, its one `?` bound to `value` (e.g. a lookup by code). */
export class SqlValue {
  constructor(
    readonly sql: string,
    readonly value: unknown,
  ) {}
}

/** `row` answers column name (trusted, from the definition) => value; `undefined` means "not given". */
export type ClassRow = Record<string, unknown>;

/** What a definition's `row` sees. */
export interface EssenceWrite<B> {
  body: B;
  /** True for a new object; false for a change (write only what the body gives). */
  create: boolean;
  actor: Actor;
  /** The object's id (a change only). */
  id: string | null;
  /** The class-table row as stored (a change only; read when called, inside the transaction). */
  current: () => Promise<Record<string, unknown> | undefined>;
  /** Another module's public service (for example AddressTreeService), from the application's providers. */
  get: <T>(service: Type<T>) => T;
}

/**
 * One essence of seed 002 (design/objects-kernel.md section 1): what differs between essences and nothing else.
 * The kernel (ObjectsService, essenceController) serves `/api/v1/<code>/type|method|count|set|get|list` from it:
 * the object, its parent class row (`document` or `reference`), the engine's create/edit methods, access, events,
 * the event log and the outbox. Adding an essence: this definition, its entity, its migration, one line in
 * essences/index.ts (docs/architecture.md "How to add an essence").
 */
export interface EssenceDefinition<B extends EssenceSetBody = EssenceSetBody> {
  /** The essence's and its class's code, and the URL segment. */
  code: string;
  /** Its parent class table: `document` (area, description) or `reference` (code, name, description). */
  kind: 'document' | 'reference';
  /** Its own class table (`base` in the SQL of its columns), keyed by the object id. */
  table: string;
  /** The fields `get` and `list` answer besides the object's and the parent class table's (seed 002 "Класс таблицы"). */
  columns: (lang: Language) => Record<string, ColumnSpec>;
  /** The `set` body: a class-validator DTO extending EssenceSetBody (Swagger shows it). */
  setDto: Type<B>;
  /** The type a new object gets when the body names none. */
  defaultType: string;
  /** What Swagger says `set` does. */
  setSummary?: string;
  /**
   * The class-table row to write. On create, columns left undefined take the table's defaults; on change, only
   * the columns given are written. Throw `invalidField` for a bad combination.
   */
  row(w: EssenceWrite<B>): ClassRow | Promise<ClassRow>;
  /** The object's label from the body and the row just computed; `undefined` keeps the label as it is. */
  label(body: B, row: ClassRow, create: boolean): string | null | undefined;
  /** A unique violation of the class table (PostgreSQL's detail) as the essence's own 400; undefined: not ours. */
  conflict?(detail: string, body: B): DomainError | undefined;
}

/** Identity helper that types a definition (and its body) in one place. */
export function defineEssence<B extends EssenceSetBody>(definition: EssenceDefinition<B>): EssenceDefinition<B> {
  return definition;
}

/** A value bound through a SQL expression with one `?`: `lookup('(SELECT id FROM locale WHERE code = ?)', 'ru')`. */
export function lookup(sql: string, value: unknown): SqlValue {
  if ((sql.match(/\?/g) ?? []).length !== 1) throw new Error(`lookup needs exactly one "?": ${sql}`);
  return new SqlValue(sql, value);
}

/** Free-form JSON values are stored as jsonb (null stays SQL NULL; undefined: not given). */
export function jsonValue(value: unknown): string | null | undefined {
  if (value === undefined) return undefined;
  return value === null ? null : JSON.stringify(value);
}
