import { Injectable } from '@nestjs/common';
import { prepared } from '../../common/database/prepared-statements.js';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { Locale } from './entities/locale.entity.js';

/** Everything whoami and current/* show, built as JSON by PostgreSQL in one query. */
export interface SessionView {
  profile: Record<string, unknown>;
  name: Record<string, unknown>;
  session: Record<string, unknown>;
  locale: Record<string, unknown>;
  area: Record<string, unknown>;
  interface: Record<string, unknown>;
  operDate: Date | null;
}

/** The session settings a user may switch: each names its table (and the column its code is in). */
export type SessionRef = 'area' | 'interface' | 'locale';

const SESSION_VIEW_SQL = prepared(`
  SELECT json_build_object(
           'id', u.id, 'username', u.username, 'name', u.name, 'family_name', u.family_name, 'given_name', u.given_name,
           'patronymic_name', u.patronymic_name, 'email', u.email, 'email_verified', u.email_verified, 'phone', u.phone,
           'phone_verified', u.phone_verified, 'session_limit', u.session_limit, 'created', u.created, 'locale', ul.code,
           'area', ua.code, 'interface', ui.sid, 'description', u.description, 'picture', u.picture,
           'passwordchange', u.password_change, 'passwordnotchange', u.password_not_change,
           'system', CASE WHEN u.system THEN 'yes' ELSE 'no' END, 'status', u.status,
           'state', CASE WHEN EXISTS (SELECT 1 FROM session o WHERE o.user_id = u.id AND o.closed IS NULL) THEN 'online' ELSE 'offline' END,
           'lock_date', u.lock_date, 'expiry_date', u.expiry_date, 'lc_ip', u.lc_ip, 'input_count', u.input_count,
           'input_last', u.input_last, 'input_error', u.input_error, 'input_error_last', u.input_error_last,
           'input_error_all', u.input_error_all) AS profile,
         json_build_object('name', u.name, 'short', u.short_name, 'first', u.given_name, 'last', u.family_name, 'middle', u.patronymic_name) AS name,
         json_build_object('code', s.code, 'created', s.created, 'updated', s.updated, 'agent', s.agent, 'host', s.host) AS session,
         json_build_object('id', l.id, 'code', l.code, 'name', l.name, 'description', l.description) AS locale,
         json_build_object('id', a.id, 'parent', a.parent_id, 'type', a.type, 'code', a.code, 'name', a.name,
                           'description', a.description, 'validfromdate', a.valid_from_date, 'validtodate', a.valid_to_date) AS area,
         json_build_object('id', i.id, 'sid', i.sid, 'name', i.name, 'description', i.description) AS interface,
         s.oper_date AS "operDate"
    FROM session s
    JOIN app_user u ON u.id = s.user_id
    JOIN locale l ON l.id = s.locale_id
    JOIN area a ON a.id = s.area_id
    JOIN interface i ON i.id = s.interface_id
    JOIN locale ul ON ul.id = u.locale_id
    JOIN area ua ON ua.id = u.area_id
    JOIN interface ui ON ui.id = u.interface_id
   WHERE s.id = $1`);

/** The reads and writes behind whoami, current/*, session/set/* and the locale list. */
@Injectable()
export class ProfileRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get m() {
    return this.uow.manager;
  }

  async view(sessionId: string): Promise<SessionView | undefined> {
    const [row] = await this.m.query<SessionView[]>(SESSION_VIEW_SQL, [sessionId]);
    return row;
  }

  /** The id of the area, interface or locale with this id or code (an interface's code is its `sid`). */
  async findRef(ref: SessionRef, by: { id?: string; code?: string }): Promise<string | undefined> {
    // `ref` and the key column come from closed sets, never from the client's text.
    const key = by.id !== undefined ? 'id' : ref === 'interface' ? 'sid' : 'code';
    const rows = await this.m.query<{ id: string }[]>(`SELECT id FROM ${ref} WHERE ${key} = $1`, [String(by.id ?? by.code)]);
    return rows[0]?.id;
  }

  /** Whether the user may work in the area, or whose groups may use the interface. */
  async allowed(ref: 'area' | 'interface', id: string, userId: string): Promise<boolean> {
    const rows = await this.m.query<unknown[]>(
      ref === 'area'
        ? `SELECT 1 FROM area_member WHERE area_id = $1 AND user_id = $2`
        : `SELECT 1 FROM interface_member im JOIN user_group_member m ON m.group_id = im.group_id WHERE im.interface_id = $1 AND m.user_id = $2`,
      [id, userId],
    );
    return rows.length > 0;
  }

  /** Switches the session's area, interface or locale; a change of settings counts as a use. */
  async setRef(sessionId: string, ref: SessionRef, id: string): Promise<void> {
    await this.m.query(
      `UPDATE session SET ${ref}_id = $1, updated = now(), access_expires = now() + (access_expires - updated) WHERE id = $2`,
      [id, sessionId],
    );
  }

  async setOperDate(sessionId: string, operDate: Date | null): Promise<void> {
    await this.m.query(
      `UPDATE session SET oper_date = $1, updated = now(), access_expires = now() + (access_expires - updated) WHERE id = $2`,
      [operDate, sessionId],
    );
  }

  async locales(): Promise<{ id: number; code: string; name: string; description: string | null }[]> {
    const rows = await this.m.getRepository(Locale).find({ order: { id: 'ASC' } });
    return rows.map((r) => ({ id: Number(r.id), code: r.code, name: r.name, description: r.description }));
  }
}
