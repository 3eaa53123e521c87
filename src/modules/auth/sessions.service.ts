import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error.js';
import type { AuthContext } from '../../common/security/auth-context.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { MESSAGES } from './auth.messages.js';
import { sha256Hex } from '../../common/security/hash.js';
import { IdentityRepository } from './identity.repository.js';
import { OpenSessionCache } from './open-session.cache.js';
import { AUTH_EVENTS } from './sign-in.service.js';

/** Sign out, authenticate (session + secret -> new code) and authorize (is this session usable?). */
@Injectable()
export class SessionsService {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly events: EventLogService,
    private readonly cache: OpenSessionCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Closes the caller's session (or another of theirs), or with `closeAll` every open one of the user. */
  async signOut(auth: AuthContext, code: string | undefined, closeAll: boolean): Promise<{ closed: number }> {
    const target = code ?? auth.session;
    const session = await this.repo.findOpenSession(target);
    if (!session || (session.userId !== auth.userId && !auth.admin)) throw new DomainError('NOT_FOUND', MESSAGES.sessionClosed);
    const closed = await this.repo.transaction(async (m) => {
      const codes = await this.repo.closeSessions(m, target, closeAll);
      for (const c of codes)
        await this.events.write(
          { type: 'M', code: AUTH_EVENTS.signOut, category: 'auth', text: 'Signed out', userId: session.userId, session: c },
          m,
        );
      return codes;
    });
    this.cache.forget(closed);
    return { closed: closed.length };
  }

  async authenticate(code: string, secret: string): Promise<{ code: string }> {
    const session = await this.repo.findOpenSession(code);
    if (!session || !timingSafeEqual(Buffer.from(sha256Hex(secret), 'hex'), Buffer.from(sha256Hex(session.secret), 'hex'))) {
      throw new DomainError('UNAUTHORIZED', MESSAGES.badSecret);
    }
    return { code: await this.repo.transaction((m) => this.repo.createAuthCode(m, session.id, this.config.auth.authCodeTtl)) };
  }

  async authorize(code: string, language: 'ru' | 'en'): Promise<{ authorized: boolean; message: string }> {
    const session = await this.repo.findOpenSession(code);
    return session
      ? { authorized: true, message: MESSAGES.authorized[language] }
      : { authorized: false, message: MESSAGES.sessionClosed[language] };
  }
}
