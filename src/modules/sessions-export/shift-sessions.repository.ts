import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import { UnitOfWork } from '../../common/database/unit-of-work.js';

/** A shift as the export and the shift endpoints show it (seed 000's item). */
export interface ShiftItem {
  sessionId: string;
  userId: string;
  firstName: string | null;
  lastName: string | null;
  middleName: string | null;
  begOffice: string;
  endOffice: string | null;
  begTime: string;
  endTime: string | null;
}

export interface NewShift {
  userId: string;
  userUuid: string;
  firstName: string | null;
  lastName: string | null;
  middleName: string | null;
  officeId: string;
  office: string;
  timeZone: string;
}

export interface ExportQuery {
  /** Local dates: from inclusive, to exclusive (`YYYY-MM-DD`). */
  from: string;
  to: string;
  /** Office ids (begin or end there); undefined: every office (administrators who name none). */
  officeIds?: string[];
}

/** Local time as the seed writes it: no offset, fractional seconds. */
const LOCAL = `'YYYY-MM-DD"T"HH24:MI:SS.US'`;
export const ITEM_COLUMNS = `id AS "sessionId", user_uuid AS "userId", first_name AS "firstName", last_name AS "lastName",
  middle_name AS "middleName", beg_office AS "begOffice", end_office AS "endOffice", to_char(beg_local, ${LOCAL}) AS "begTime",
  to_char(end_local, ${LOCAL}) AS "endTime"`;

/** The export's query: the shifts begun in the period (local dates), in the order of ix_shift_session_beg_local. */
export function exportSql(q: ExportQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [q.from, q.to];
  let where = `beg_local >= $1::date AND beg_local < $2::date`;
  if (q.officeIds) {
    values.push(q.officeIds);
    where += ` AND (beg_office_id = ANY($3::bigint[]) OR end_office_id = ANY($3::bigint[]))`;
  }
  return { text: `SELECT ${ITEM_COLUMNS} FROM shift_session WHERE ${where} ORDER BY beg_local, id`, values };
}

/** Every statement on `shift_session`. */
@Injectable()
export class ShiftSessionsRepository {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ds: DataSource,
  ) {}

  private get m() {
    return this.uow.manager;
  }

  /** Opens a shift now, unless the user has one open (then undefined: the partial unique index decides). */
  async begin(s: NewShift): Promise<ShiftItem | undefined> {
    const rows = await this.m.query<ShiftItem[]>(
      `INSERT INTO shift_session (user_id, user_uuid, first_name, last_name, middle_name, beg_office_id, beg_office, beg_time, beg_local)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), now() AT TIME ZONE $8)
       ON CONFLICT (user_id) WHERE end_time IS NULL DO NOTHING
       RETURNING ${ITEM_COLUMNS}`,
      [s.userId, s.userUuid, s.firstName, s.lastName, s.middleName, s.officeId, s.office, s.timeZone],
    );
    return rows[0];
  }

  /** The user's open shift, row-locked, with its age in seconds. */
  async lockOpen(userId: string): Promise<(ShiftItem & { ageSeconds: number }) | undefined> {
    const rows = await this.m.query<(ShiftItem & { ageSeconds: number })[]>(
      `SELECT ${ITEM_COLUMNS}, extract(epoch FROM now() - beg_time)::float8 AS "ageSeconds"
         FROM shift_session WHERE user_id = $1 AND end_time IS NULL FOR UPDATE`,
      [userId],
    );
    return rows[0];
  }

  async end(sessionId: string, officeId: string, office: string, timeZone: string): Promise<ShiftItem> {
    const [rows] = await this.m.query<[ShiftItem[], number]>(
      `UPDATE shift_session SET end_office_id = $2, end_office = $3, end_time = now(), end_local = now() AT TIME ZONE $4
        WHERE id = $1 RETURNING ${ITEM_COLUMNS}`,
      [sessionId, officeId, office, timeZone],
    );
    return rows[0];
  }

  /**
   * The export's rows as a stream from a server-side cursor (pg-query-stream, `batchSize` rows per fetch), on a
   * connection of its own that goes back to the pool when the stream ends, fails or is destroyed.
   */
  async exportStream(q: ExportQuery, batchSize = 1000): Promise<NodeJS.ReadableStream & { destroy(err?: Error): void }> {
    const runner = this.ds.createQueryRunner('slave');
    await runner.connect();
    const client = (runner as unknown as { databaseConnection: pg.PoolClient }).databaseConnection;
    const { text, values } = exportSql(q);
    const stream = client.query(new QueryStream(text, values, { batchSize }));
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      void runner.release();
    };
    stream.once('end', release);
    stream.once('error', release);
    stream.once('close', release);
    return stream;
  }
}
