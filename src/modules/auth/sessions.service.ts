import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { Language } from '../../common/i18n/language.js';
import { parseListQuery } from '../../common/list-query/list-query.parser.js';
import { numbersIn } from '../../common/list-query/result-rows.js';
import type { AuthContext } from '../../common/security/auth-context.js';
import { sha256Hex } from '../../common/security/hash.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { MESSAGES } from './auth.messages.js';
import { OpenSessionCache } from './open-session.cache.js';
import { AUTH_EVENTS } from './sign-in.service.js';
import { SESSION_COLUMNS, SessionsRepository, sessionUsable as usable } from './sessions.repository.js';

/** Sign out, authenticate (session + secret -> new code), authorize (is this session usable?), and the admin views. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly events: EventLogService,
    private readonly cache: OpenSessionCache,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Closes the caller's session (or another of theirs), or with `closeAll` every open one of the user. */
  async signOut(auth: AuthContext, code: string | undefined, closeAll: boolean): Promise<{ closed: number }> {
    const target = code ?? auth.session;
    const session = await this.repo.findOpen(target);
    if (!session || (session.userId !== auth.userId && !auth.admin)) throw new DomainError('NOT_FOUND', MESSAGES.sessionClosed);
    const closed = await this.uow.run(async () => {
      const codes = await this.repo.close(target, closeAll);
      for (const c of codes)
        await this.events.write({
          type: 'M',
          code: AUTH_EVENTS.signOut,
          category: 'auth',
          text: 'Signed out',
          userId: session.userId,
          session: c,
        });
      return codes;
    });
    this.cache.forget(closed);
    return { closed: closed.length };
  }

  /**
   * A new one-time code for a session whose secret the caller knows, while the session is within its lifetime
   * (past it: 403 Token expired).
   */
  async authenticate(code: string, secret: string): Promise<{ code: string }> {
    const session = await this.repo.findOpen(code);
    if (!session || !timingSafeEqual(Buffer.from(sha256Hex(secret), 'hex'), Buffer.from(sha256Hex(session.secret), 'hex'))) {
      throw new DomainError('UNAUTHORIZED', MESSAGES.badSecret);
    }
    // Seed 002: a session past its lifetime answers "Token expired" (told only to who knows its secret).
    if (!usable(session)) throw new DomainError('TOKEN_EXPIRED', MESSAGES.tokenExpired);
    return { code: await this.repo.createAuthCode(session.id, this.config.auth.authCodeTtl) };
  }

  async authorize(code: string, language: Language): Promise<{ authorized: boolean; message: string }> {
    const session = await this.repo.findOpen(code);
    if (!session) return { authorized: false, message: MESSAGES.sessionClosed[language] };
    if (!usable(session)) return { authorized: false, message: MESSAGES.tokenExpired[language] };
    return { authorized: true, message: MESSAGES.authorized[language] };
  }

  /** Administrators: sessions by the list query language (seed 002's third list example). */
  async list(body: unknown): Promise<Record<string, unknown>[]> {
    const rows = await this.repo.list(parseListQuery(body, SESSION_COLUMNS, this.config.list));
    return rows.map((r) => numbersIn(r, ['id', 'userid']));
  }

  async count(body: unknown): Promise<{ count: number }> {
    const q = parseListQuery(body, SESSION_COLUMNS, this.config.list);
    return { count: await this.repo.count({ ...q, fields: [], orderBy: [], offset: 0 }) };
  }

  async get(id: string, fields?: string[]): Promise<Record<string, unknown>> {
    const [row] = await this.repo.list(
      parseListQuery({ filter: { id }, ...(fields ? { fields } : {}) }, SESSION_COLUMNS, this.config.list),
    );
    if (!row) throw new DomainError('NOT_FOUND', { ru: `Сессия ${id} не найдена.`, en: `Session ${id} not found.` });
    return numbersIn(row, ['id', 'userid']);
  }

  /** Administrators: closes a session by id (its tokens and signatures stop at once). */
  async close(id: string): Promise<{ closed: number }> {
    const code = await this.repo.closeById(id);
    if (!code) throw new DomainError('NOT_FOUND', { ru: `Открытая сессия ${id} не найдена.`, en: `No open session ${id}.` });
    this.cache.forget([code]);
    return { closed: 1 };
  }
}
