import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { format, type LocalizedText } from '../../common/i18n/language.js';
import type { AuthContext } from '../../common/security/auth-context.js';
import { MESSAGES } from './auth.messages.js';
import { OpenSessionCache } from './open-session.cache.js';

export type SessionParam = 'area' | 'interface' | 'locale';
export type CurrentParam = 'session' | 'user' | 'userid' | 'username' | 'area' | 'interface' | 'locale' | 'oper_date';

/** Everything whoami and current/* show, built as JSON by PostgreSQL in one query. */
interface SessionView {
  profile: Record<string, unknown>;
  name: Record<string, unknown>;
  session: Record<string, unknown>;
  locale: Record<string, unknown>;
  area: Record<string, unknown>;
  interface: Record<string, unknown>;
  operDate: Date | null;
}

const SESSION_VIEW_SQL = `
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
         json_build_object('id', a.id, 'parent', a.parent_id, 'type', a.type, 'code', a.code, 'name', a.name, 'description', a.description,
                           'validfromdate', a.valid_from_date, 'validtodate', a.valid_to_date) AS area,
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
   WHERE s.id = $1`;

/** whoami, current/*, session/set/* and the locale list: what a signed-in user sees of themselves. */
@Injectable()
export class ProfileService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly cache: OpenSessionCache,
  ) {}

  async whoami(auth: AuthContext) {
    const view = await this.view(auth);
    return {
      id: null,
      userid: Number(auth.userId),
      suid: Number(auth.userId),
      admin: auth.admin,
      profile: view.profile,
      name: view.name,
      email: null,
      phone: null,
      session: view.session,
      locale: view.locale,
      area: view.area,
      interface: view.interface,
    };
  }

  async current(auth: AuthContext, param: CurrentParam): Promise<Record<string, unknown>> {
    switch (param) {
      case 'session':
        return { session: auth.session };
      case 'userid':
        return { userid: Number(auth.userId) };
      case 'username':
        return { username: auth.username };
      case 'user':
        return { user: (await this.view(auth)).profile };
      case 'oper_date':
        return { oper_date: (await this.view(auth)).operDate };
      case 'locale':
      case 'area':
      case 'interface':
        return { [param]: (await this.view(auth))[param] };
    }
  }

  /** Switches the session's area, interface or locale to one the user is allowed (`id` wins over `code`). */
  async setSessionValue(auth: AuthContext, param: SessionParam, ref: { id?: string; code?: string }) {
    const found = await this.allowed(auth, param, ref);
    // param is one of area | interface | locale (a closed set), so the column name is safe.
    await this.ds.query(`UPDATE session SET ${param}_id = $1, updated = now() WHERE id = $2`, [found.id, auth.sessionId]);
    this.cache.forget([auth.session]); // the session's language may have changed
    return this.current(auth, param);
  }

  /** Moves the session to an archive date, or back to now with null. */
  async setOperDate(auth: AuthContext, operDate: Date | null) {
    await this.ds.query(`UPDATE session SET oper_date = $1, updated = now() WHERE id = $2`, [operDate, auth.sessionId]);
    return this.current(auth, 'oper_date');
  }

  async locales() {
    const rows = await this.ds.query<{ id: string; code: string; name: string; description: string | null }[]>(
      `SELECT id, code, name, description FROM locale ORDER BY id`,
    );
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  private async allowed(auth: AuthContext, param: SessionParam, ref: { id?: string; code?: string }): Promise<{ id: string }> {
    const what = {
      area: { ru: 'Зона', en: 'Area' },
      interface: { ru: 'Интерфейс', en: 'Interface' },
      locale: { ru: 'Язык', en: 'Locale' },
    }[param];
    // `param` and `key` come from closed sets (the route's enum), never from the client's text.
    const key = ref.id !== undefined ? 'id' : param === 'interface' ? 'sid' : 'code';
    const value = ref.id ?? ref.code;
    const rows = await this.ds.query<{ id: string }[]>(`SELECT id FROM ${param} WHERE ${key} = $1`, [String(value)]);
    const refused = (code: 'NOT_FOUND' | 'FORBIDDEN', message: LocalizedText) =>
      new DomainError(code, {
        ru: format(message, { what: what.ru, value: String(value) }).ru,
        en: format(message, { what: what.en, value: String(value) }).en,
      });
    if (!rows[0]) throw refused('NOT_FOUND', MESSAGES.notFound);
    const id = rows[0].id;
    if (param === 'locale' || auth.admin) return { id };
    const permitted =
      param === 'area'
        ? await this.ds.query(`SELECT 1 FROM area_member WHERE area_id = $1 AND user_id = $2`, [id, auth.userId])
        : await this.ds.query(
            `SELECT 1 FROM interface_member im JOIN user_group_member m ON m.group_id = im.group_id WHERE im.interface_id = $1 AND m.user_id = $2`,
            [id, auth.userId],
          );
    if (permitted.length === 0) throw refused('FORBIDDEN', MESSAGES.notAllowed);
    return { id };
  }

  private async view(auth: AuthContext): Promise<SessionView> {
    const [row] = await this.ds.query<SessionView[]>(SESSION_VIEW_SQL, [auth.sessionId]);
    if (!row) throw new DomainError('UNAUTHORIZED', MESSAGES.sessionClosed);
    return row;
  }
}
