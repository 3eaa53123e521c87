/** Column types the list query language validates values for before binding them. */
export type ColumnType = 'text' | 'integer' | 'numeric' | 'boolean' | 'timestamp' | 'date' | 'json' | 'uuid';

/**
 * A field a list exposes. `sql` is a trusted expression written by the module (`o.label`), never user text;
 * the field's name (the map's key) is what clients send.
 */
export interface ColumnSpec {
  sql: string;
  type: ColumnType;
  /** Default true. */
  sortable?: boolean;
  /** Default true: usable in `search` and `filter`. */
  searchable?: boolean;
}

export type ColumnMap = Readonly<Record<string, ColumnSpec>>;

export interface ListQueryLimits {
  defaultLimit: number;
  maxLimit: number;
  maxConditions?: number;
  maxValarr?: number;
  maxValueLength?: number;
  maxOrderBy?: number;
}

export type Compare = 'EQL' | 'NEQ' | 'LSS' | 'LEQ' | 'GTR' | 'GEQ' | 'GIN' | 'LKE' | 'ISN' | 'INN';

/** A reference to a declared column, or to a key path inside a json column (`data.kind`). */
export interface FieldRef {
  field: string;
  path?: string[];
}

/** One validated condition; `value`/`values` are already converted for binding. */
export interface Condition extends FieldRef {
  join: 'AND' | 'OR';
  compare: Compare | 'IN';
  /** Bound value (absent for ISN/INN and IN). */
  value?: unknown;
  /** Bound values for IN. */
  values?: unknown[];
  open: number;
  close: number;
}

export interface OrderBy extends FieldRef {
  direction: 'ASC' | 'DESC';
}

/** A list request, validated and normalised: safe to compile. */
export interface ListQuery {
  fields: string[];
  /** The `search` conditions, joined left to right. */
  search: Condition[];
  /** The `filter` conditions, each ANDed to the whole search. */
  filter: Condition[];
  orderBy: OrderBy[];
  limit: number;
  offset: number;
}
