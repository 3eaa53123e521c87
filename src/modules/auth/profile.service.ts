import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { format, type LocalizedText } from '../../common/i18n/language.js';
import type { AuthContext } from '../../common/security/auth-context.js';
import { MESSAGES } from './auth.messages.js';
import { IdentityRepository } from './identity.repository.js';
import type { User } from './entities/user.entity.js';

const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));

export type SessionParam = 'area' | 'interface' | 'locale';
export type CurrentParam = 'session' | 'user' | 'userid' | 'username' | 'area' | 'interface' | 'locale' | 'oper_date';

interface SessionRow {
  code: string;
  created: Date;
  updated: Date;
  agent: string | null;
  host: string | null;
  operDate: Date | null;
  localeId: string;
  areaId: string;
  interfaceId: string;
}

/** whoami, current/*, session/set/* and the locale list: what a signed-in user sees of themselves. */
@Injectable()
export class ProfileService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: IdentityRepository,
  ) {}

  async whoami(auth: AuthContext) {
    const [user, session] = await Promise.all([this.user(auth.userId), this.session(auth.sessionId)]);
    const [locale, area, iface] = await Promise.all([this.locale(session.localeId), this.area(session.areaId), this.interface(session.interfaceId)]);
    return {
      id: null,
      userid: num(user.id),
      suid: num(user.id),
      admin: auth.admin,
      profile: await this.profile(user),
      name: { name: user.name, short: user.shortName, first: user.givenName, last: user.familyName, middle: user.patronymicName },
      email: null,
      phone: null,
      session: { code: session.code, created: session.created, updated: session.updated, agent: session.agent, host: session.host },
      locale,
      area,
      interface: iface,
    };
  }

  async current(auth: AuthContext, param: CurrentParam): Promise<Record<string, unknown>> {
    switch (param) {
      case 'session':
        return { session: auth.session };
      case 'userid':
        return { userid: num(auth.userId) };
      case 'username':
        return { username: auth.username };
      case 'user':
        return { user: await this.profile(await this.user(auth.userId)) };
      case 'oper_date':
        return { oper_date: (await this.session(auth.sessionId)).operDate };
      case 'locale':
        return { locale: await this.locale((await this.session(auth.sessionId)).localeId) };
      case 'area':
        return { area: await this.area((await this.session(auth.sessionId)).areaId) };
      case 'interface':
        return { interface: await this.interface((await this.session(auth.sessionId)).interfaceId) };
    }
  }

  /** Switches the session's area, interface or locale to one the user is allowed (`id` wins over `code`). */
  async setSessionValue(auth: AuthContext, param: SessionParam, ref: { id?: number; code?: string }) {
    const found = await this.allowed(auth, param, ref);
    // param is one of area | interface | locale (a closed set), so the column name is safe.
    await this.ds.query(`UPDATE session SET ${param}_id = $1, updated = now() WHERE id = $2`, [found.id, auth.sessionId]);
    return this.current(auth, param);
  }

  /** Moves the session to an archive date, or back to now with null. */
  async setOperDate(auth: AuthContext, operDate: Date | null) {
    await this.ds.query(`UPDATE session SET oper_date = $1, updated = now() WHERE id = $2`, [operDate, auth.sessionId]);
    return this.current(auth, 'oper_date');
  }

  async locales() {
    const rows = await this.ds.query<{ id: string; code: string; name: string; description: string | null }[]>(`SELECT id, code, name, description FROM locale ORDER BY id`);
    return rows.map((r) => ({ ...r, id: num(r.id) }));
  }

  private async allowed(auth: AuthContext, param: SessionParam, ref: { id?: number; code?: string }): Promise<{ id: string }> {
    const what = { area: { ru: 'Зона', en: 'Area' }, interface: { ru: 'Интерфейс', en: 'Interface' }, locale: { ru: 'Язык', en: 'Locale' } }[param];
    // `param` and `key` come from closed sets (the route's enum), never from the client's text.
    const key = ref.id !== undefined ? 'id' : param === 'interface' ? 'sid' : 'code';
    const value = ref.id ?? ref.code;
    const rows = await this.ds.query<{ id: string }[]>(`SELECT id FROM ${param} WHERE ${key} = $1`, [String(value)]);
    const refused = (code: 'NOT_FOUND' | 'FORBIDDEN', message: LocalizedText) =>
      new DomainError(code, { ru: format(message, { what: what.ru, value: String(value) }).ru, en: format(message, { what: what.en, value: String(value) }).en });
    if (!rows[0]) throw refused('NOT_FOUND', MESSAGES.notFound);
    const id = rows[0].id;
    if (param === 'locale' || auth.admin) return { id };
    const permitted =
      param === 'area'
        ? await this.ds.query(`SELECT 1 FROM area_member WHERE area_id = $1 AND user_id = $2`, [id, auth.userId])
        : await this.ds.query(`SELECT 1 FROM interface_member im JOIN user_group_member m ON m.group_id = im.group_id WHERE im.interface_id = $1 AND m.user_id = $2`, [
            id,
            auth.userId,
          ]);
    if (permitted.length === 0) throw refused('FORBIDDEN', MESSAGES.notAllowed);
    return { id };
  }

  private async user(id: string): Promise<User> {
    const user = await this.repo.findUser(id);
    if (!user) throw new DomainError('UNAUTHORIZED');
    return user;
  }

  private async session(id: string): Promise<SessionRow> {
    const rows = await this.ds.query<SessionRow[]>(
      `SELECT code, created, updated, agent, host, oper_date AS "operDate", locale_id AS "localeId", area_id AS "areaId", interface_id AS "interfaceId"
         FROM session WHERE id = $1`,
      [id],
    );
    return rows[0]!;
  }

  private async profile(u: User) {
    const [refs] = await this.ds.query<{ locale: string; area: string; interface: string; online: boolean }[]>(
      `SELECT l.code AS locale, a.code AS area, i.sid AS interface,
              EXISTS (SELECT 1 FROM session s WHERE s.user_id = $1 AND s.closed IS NULL) AS online
         FROM locale l, area a, interface i WHERE l.id = $2 AND a.id = $3 AND i.id = $4`,
      [u.id, u.localeId, u.areaId, u.interfaceId],
    );
    return {
      id: num(u.id),
      username: u.username,
      name: u.name,
      family_name: u.familyName,
      given_name: u.givenName,
      patronymic_name: u.patronymicName,
      email: u.email,
      email_verified: u.emailVerified,
      phone: u.phone,
      phone_verified: u.phoneVerified,
      session_limit: u.sessionLimit,
      created: u.created,
      locale: refs?.locale ?? null,
      area: refs?.area ?? null,
      interface: refs?.interface ?? null,
      description: u.description,
      picture: u.picture,
      passwordchange: u.passwordChange,
      passwordnotchange: u.passwordNotChange,
      system: u.system ? 'yes' : 'no',
      status: u.status,
      state: refs?.online ? 'online' : 'offline',
      lock_date: u.lockDate,
      expiry_date: u.expiryDate,
      lc_ip: u.lcIp,
      input_count: u.inputCount,
      input_last: u.inputLast,
      input_error: u.inputError,
      input_error_last: u.inputErrorLast,
      input_error_all: u.inputErrorAll,
    };
  }

  private async locale(id: string) {
    const [row] = await this.ds.query(`SELECT id, code, name, description FROM locale WHERE id = $1`, [id]);
    return { ...row, id: num(row.id) };
  }

  private async area(id: string) {
    const [row] = await this.ds.query(
      `SELECT id, parent_id AS parent, type, code, name, description, valid_from_date AS validfromdate, valid_to_date AS validtodate FROM area WHERE id = $1`,
      [id],
    );
    return { ...row, id: num(row.id), parent: num(row.parent) };
  }

  private async interface(id: string) {
    const [row] = await this.ds.query(`SELECT id, sid, name, description FROM interface WHERE id = $1`, [id]);
    return { ...row, id: num(row.id) };
  }
}
