import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DomainError } from '../../common/errors/domain-error.js';
import { format, type LocalizedText } from '../../common/i18n/language.js';
import type { AuthContext } from '../../common/security/auth-context.js';
import { CLIENT_REGISTRAR, type ClientCard, type ClientRegistrar } from '../../common/security/client-registrar.js';
import { MESSAGES } from './auth.messages.js';
import { OpenSessionCache } from './open-session.cache.js';
import { ProfileRepository, type SessionRef, type SessionView } from './profile.repository.js';

export type SessionParam = SessionRef;
export type CurrentParam = 'session' | 'user' | 'userid' | 'username' | 'area' | 'interface' | 'locale' | 'oper_date';

const WHAT: Record<SessionRef, LocalizedText> = {
  area: { ru: 'Зона', en: 'Area' },
  interface: { ru: 'Интерфейс', en: 'Interface' },
  locale: { ru: 'Язык', en: 'Locale' },
};

/** whoami, current/*, session/set/* and the locale list: what a signed-in user sees of themselves. */
@Injectable()
export class ProfileService {
  constructor(
    private readonly repo: ProfileRepository,
    private readonly cache: OpenSessionCache,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Seed 002's whoami: `id`, `email` and `phone` are the account's client document's (null without one). */
  async whoami(auth: AuthContext) {
    const [view, client] = await Promise.all([this.view(auth), this.clientOf(auth.userId)]);
    return {
      id: client ? Number(client.id) : null,
      userid: Number(auth.userId),
      suid: Number(auth.userId),
      admin: auth.admin,
      profile: view.profile,
      name: view.name,
      email: client?.email ?? null,
      phone: client?.phone ?? null,
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
    const value = String(ref.id ?? ref.code);
    const refused = (code: 'NOT_FOUND' | 'FORBIDDEN', message: LocalizedText) =>
      new DomainError(code, {
        ru: format(message, { what: WHAT[param].ru, value }).ru,
        en: format(message, { what: WHAT[param].en, value }).en,
      });
    const id = await this.repo.findRef(param, ref);
    if (!id) throw refused('NOT_FOUND', MESSAGES.notFound);
    if (param !== 'locale' && !auth.admin && !(await this.repo.allowed(param, id, auth.userId)))
      throw refused('FORBIDDEN', MESSAGES.notAllowed);
    await this.repo.setRef(auth.sessionId, param, id);
    this.cache.forget([auth.session]); // the session's language may have changed
    return this.current(auth, param);
  }

  /** Moves the session to an archive date, or back to now with null. */
  async setOperDate(auth: AuthContext, operDate: Date | null) {
    await this.repo.setOperDate(auth.sessionId, operDate);
    this.cache.forget([auth.session]);
    return this.current(auth, 'oper_date');
  }

  locales() {
    return this.repo.locales();
  }

  private async view(auth: AuthContext): Promise<SessionView> {
    const row = await this.repo.view(auth.sessionId);
    if (!row) throw new DomainError('UNAUTHORIZED', MESSAGES.sessionClosed);
    return row;
  }

  private clientOf(userId: string): Promise<ClientCard | undefined> {
    let registrar: ClientRegistrar;
    try {
      registrar = this.moduleRef.get<ClientRegistrar>(CLIENT_REGISTRAR, { strict: false });
    } catch {
      return Promise.resolve(undefined); // without the objects module there are no client documents
    }
    return registrar.clientOfUser(userId);
  }
}
