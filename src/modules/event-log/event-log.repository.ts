import { Injectable } from '@nestjs/common';
import { prepared } from '../../common/database/prepared-statements.js';
import { type StatementPart, StatementParams } from '../../common/database/statement-parts.js';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { compileListQuery } from '../../common/list-query/list-query.compiler.js';
import type { ColumnMap, ListQuery } from '../../common/list-query/list-query.types.js';
import { numbersIn } from '../../common/list-query/result-rows.js';
import type { EventLogType } from './event-log.entity.js';

export const EVENT_LOG_COLUMNS: ColumnMap = {
  id: { sql: 'l.id', type: 'integer' },
  datetime: { sql: 'l.datetime', type: 'timestamp' },
  type: { sql: 'l.type', type: 'text' },
  code: { sql: 'l.code', type: 'integer' },
  category: { sql: 'l.category', type: 'text' },
  text: { sql: 'l.text', type: 'text' },
  userid: { sql: 'l.user_id', type: 'integer' },
  username: { sql: 'u.username', type: 'text' },
  session: { sql: 'l.session', type: 'text' },
  object: { sql: 'l.object_id', type: 'integer' },
};
const FROM = 'event_log l LEFT JOIN app_user u ON u.id = l.user_id';
const SELECT = Object.entries(EVENT_LOG_COLUMNS)
  .map(([k, c]) => `${c.sql} AS "${k}"`)
  .join(', ');
const numbers = (row: Record<string, unknown>) => numbersIn(row, ['id', 'code', 'userid', 'object']);

export interface EventLogWrite {
  type: EventLogType;
  code: number;
  category: string;
  text: string;
  userId?: string | null;
  session?: string | null;
  objectId?: string | null;
}

/** Who may read which entries: every entry (null), or one user's own. */
export type EventLogReader = string | null;

/** The INSERT of an entry, as a part of a combined statement (or alone): the same text for every entry. */
export function insertPart(entry: EventLogWrite): StatementPart {
  return (p) =>
    `INSERT INTO event_log (type, code, category, text, user_id, session, object_id)
     VALUES (${p.add(entry.type, 'char')}, ${p.add(entry.code, 'int')}, ${p.add(entry.category, 'varchar')}, ${p.add(entry.text.slice(0, 2000), 'text')},
             ${p.add(entry.userId ?? null, 'bigint')}, ${p.add(entry.session ?? null, 'varchar')}, ${p.add(entry.objectId ?? null, 'bigint')})`;
}

/** Every statement on `event_log`, in the current unit of work (a write joins the caller's transaction). */
@Injectable()
export class EventLogRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private visible(reader: EventLogReader, param: number): { sql: string; params: unknown[] } {
    return reader === null ? { sql: 'TRUE', params: [] } : { sql: `l.user_id = $${param}`, params: [reader] };
  }

  /** Adds an entry; answers its id. */
  async insert(entry: EventLogWrite): Promise<string> {
    const params = new StatementParams();
    const [row] = await this.uow.manager.query<{ id: string }[]>(prepared(`${insertPart(entry)(params)} RETURNING id`), params.values);
    return String(row.id);
  }

  async get(id: string, reader: EventLogReader): Promise<Record<string, unknown> | undefined> {
    const v = this.visible(reader, 2);
    const [row] = await this.uow.manager.query<Record<string, unknown>[]>(`SELECT ${SELECT} FROM ${FROM} WHERE l.id = $1 AND ${v.sql}`, [
      id,
      ...v.params,
    ]);
    return row && numbers(row);
  }

  async filter(
    q: { type?: string; code?: number; datefrom?: Date; dateto?: Date },
    reader: EventLogReader,
    limit: number,
  ): Promise<Record<string, unknown>[]> {
    const v = this.visible(reader, 5);
    const rows = await this.uow.manager.query<Record<string, unknown>[]>(
      `SELECT ${SELECT} FROM ${FROM}
        WHERE ($1::char IS NULL OR l.type = $1) AND ($2::int IS NULL OR l.code = $2)
          AND ($3::timestamptz IS NULL OR l.datetime >= $3) AND ($4::timestamptz IS NULL OR l.datetime < $4) AND ${v.sql}
        ORDER BY l.id DESC LIMIT ${Math.trunc(limit)}`,
      [q.type ?? null, q.code ?? null, q.datefrom ?? null, q.dateto ?? null, ...v.params],
    );
    return rows.map(numbers);
  }

  async list(q: ListQuery, reader: EventLogReader): Promise<Record<string, unknown>[]> {
    const v = this.visible(reader, 1);
    const c = compileListQuery(q, EVENT_LOG_COLUMNS, { paramStart: 1 + v.params.length });
    const rows = await this.uow.manager.query<Record<string, unknown>[]>(
      `SELECT ${c.select} FROM ${FROM} WHERE ${v.sql}${c.where ? ` AND (${c.where})` : ''} ${c.orderBy ? `ORDER BY ${c.orderBy}` : ''} LIMIT ${c.limit} OFFSET ${c.offset}`,
      [...v.params, ...c.params],
    );
    return rows.map(numbers);
  }
}
