/**
 * The bound values of one statement that several owners write parts of (a data-modifying WITH: the workflow's
 * transition with the event log's entry and the outbox's row). Each part takes its placeholders in turn, so the
 * same parts give the same text every time (it can be a prepared statement) and no value is ever interpolated.
 */
export class StatementParams {
  readonly values: unknown[] = [];

  /** The placeholder of `value`, with a cast when PostgreSQL could not infer the type from its use. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

/** One owner's part of a combined statement: a data-modifying statement, written with `params`. */
export type StatementPart = (params: StatementParams) => string;
