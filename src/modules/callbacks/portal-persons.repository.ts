import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';

export interface PortalPersonRow {
  id: string;
  idPhperson: string;
  userId: string;
  tabNo: string;
  adLogin: string;
}

const COLUMNS = `id, id_phperson AS "idPhperson", user_id AS "userId", tab_no AS "tabNo", ad_login AS "adLogin"`;

/** Every statement on `portal_person`, in the ambient unit of work. */
@Injectable()
export class PortalPersonsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get m() {
    return this.uow.manager;
  }

  /** Serialises the registrations of one portal person until the transaction ends (two first calls race). */
  async lock(idPhperson: string): Promise<void> {
    await this.m.query(`SELECT pg_advisory_xact_lock(hashtext('portal_person'), hashtext($1))`, [idPhperson]);
  }

  async findByPortalId(idPhperson: string): Promise<PortalPersonRow | undefined> {
    const rows = await this.m.query<PortalPersonRow[]>(`SELECT ${COLUMNS} FROM portal_person WHERE id_phperson = $1`, [idPhperson]);
    return rows[0];
  }

  /** The persons (other than `idPhperson`) that hold this tab_no, ad_login or user. */
  async others(idPhperson: string, p: { tabNo: string; adLogin: string; userId?: string }): Promise<PortalPersonRow[]> {
    return this.m.query<PortalPersonRow[]>(
      `SELECT ${COLUMNS} FROM portal_person WHERE id_phperson <> $1 AND (tab_no = $2 OR ad_login = $3 OR user_id = $4::bigint)`,
      [idPhperson, p.tabNo, p.adLogin, p.userId ?? null],
    );
  }

  async insert(p: { idPhperson: string; userId: string; tabNo: string; adLogin: string; pinCreated: Date }): Promise<void> {
    await this.m.query(`INSERT INTO portal_person (id_phperson, user_id, tab_no, ad_login, pin_created) VALUES ($1, $2, $3, $4, $5)`, [
      p.idPhperson,
      p.userId,
      p.tabNo,
      p.adLogin,
      p.pinCreated,
    ]);
  }

  async update(id: string, p: { tabNo: string; adLogin: string; pinCreated: Date }): Promise<void> {
    await this.m.query(`UPDATE portal_person SET tab_no = $2, ad_login = $3, pin_created = $4, updated = now() WHERE id = $1`, [
      id,
      p.tabNo,
      p.adLogin,
      p.pinCreated,
    ]);
  }

  /** The user of the person with this tab_no or e-mail (ad_login), or undefined. */
  async userIdByLogin(field: 'tab_no' | 'ad_login', value: string): Promise<string | undefined> {
    // `field` is one of two fixed column names, never input.
    const column = field === 'tab_no' ? 'tab_no' : 'ad_login';
    const rows = await this.m.query<{ userId: string }[]>(`SELECT user_id AS "userId" FROM portal_person WHERE ${column} = $1`, [value]);
    return rows[0]?.userId;
  }

  /** The users of the persons with these portal ids (unknown ids are left out). */
  async usersByPortalIds(ids: string[]): Promise<{ idPhperson: string; userId: string }[]> {
    return this.m.query(`SELECT id_phperson AS "idPhperson", user_id AS "userId" FROM portal_person WHERE id_phperson = ANY($1::text[])`, [
      ids,
    ]);
  }
}
