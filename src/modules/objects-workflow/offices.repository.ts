import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { AccessService } from './access.service.js';
import type { Actor } from './workflow-handler.js';

export interface OfficeRef {
  id: string;
  code: string;
  /** The name the export shows (the reference's name, else its code). */
  name: string;
  timeZone: string;
  deviceClient: string | null;
}

const COLUMNS = `r.id, r.code, COALESCE(r.name, r.code) AS name, o.time_zone AS "timeZone", o.device_client AS "deviceClient"`;
const FROM = `office o JOIN reference r ON r.id = o.id`;
const NAMED = (p: string) => `(COALESCE(r.name, r.code) = ANY(${p}::text[]) OR r.code = ANY(${p}::text[]))`;

/** Every statement on the `office` essence's table outside the generic essence reads. */
@Injectable()
export class OfficesRepository {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly access: AccessService,
  ) {}

  async byCode(code: string): Promise<OfficeRef | undefined> {
    const rows = await this.uow.manager.query<OfficeRef[]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.code = $1`, [code]);
    return rows[0];
  }

  /**
   * The offices the actor may select (the list filter of /office/list: object masks, else the class's `s`),
   * all of them or those with these names (or codes); one query.
   */
  async visible(actor: Actor, classAllowsSelect: boolean, names?: readonly string[]): Promise<OfficeRef[]> {
    const filter = this.access.listFilter(actor, classAllowsSelect, names ? 2 : 1, null);
    const params = names ? [names, ...filter.params] : filter.params;
    return this.uow.manager.query<OfficeRef[]>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${names ? `${NAMED('$1')} AND ` : ''}${filter.sql} ORDER BY r.id`,
      params,
    );
  }
}
