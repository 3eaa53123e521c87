import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';

export interface OfficeRef {
  id: string;
  code: string;
  /** The name the export shows (the reference's name, else its code). */
  name: string;
  timeZone: string;
  deviceClient: string | null;
}

const COLUMNS = `r.id, r.code, COALESCE(r.name, r.code) AS name, o.time_zone AS "timeZone", o.device_client AS "deviceClient"`;

/**
 * What other modules may know of offices (the `office` essence): the work shifts find the office of a scan and
 * the offices an export names. Reads only; offices are written through /api/v1/office/set like any essence.
 */
@Injectable()
export class OfficesService {
  constructor(private readonly uow: UnitOfWork) {}

  async byCode(code: string): Promise<OfficeRef | undefined> {
    const rows = await this.uow.manager.query<OfficeRef[]>(
      `SELECT ${COLUMNS} FROM office o JOIN reference r ON r.id = o.id WHERE r.code = $1`,
      [code],
    );
    return rows[0];
  }

  /** The offices with these names (or codes); the names that match none are the caller's 400. */
  async byNames(names: string[]): Promise<OfficeRef[]> {
    return this.uow.manager.query<OfficeRef[]>(
      `SELECT ${COLUMNS} FROM office o JOIN reference r ON r.id = o.id WHERE COALESCE(r.name, r.code) = ANY($1) OR r.code = ANY($1)`,
      [names],
    );
  }
}
