import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { MESSAGES } from './auth.messages.js';
import { AccountsService } from './accounts.service.js';
import { UsersRepository } from './users.repository.js';
import { type RequestOrigin, SignInService } from './sign-in.service.js';
import { TokenService } from './tokens/token.service.js';

export interface LegacyLogin {
  token: string;
  user: { email: string | null; roles: string };
  userId: string;
  /** The user's public UUID: seed 000's own unique id of the user (the export's `userId`). */
  userUuid: string;
}

/**
 * The legacy email/password logins of seeds 000 (`/account/generatetoken`) and 003 (`/api/v1.0/login`):
 * the same credential check and lockout as sign/in, a session, and an HS256 token bound to it.
 */
@Injectable()
export class LegacyLoginService {
  constructor(
    private readonly signIn: SignInService,
    private readonly users: UsersRepository,
    private readonly accounts: AccountsService,
    private readonly tokens: TokenService,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(email: string, password: string, origin: RequestOrigin): Promise<LegacyLogin> {
    const signedIn = await this.signIn.signIn({ field: 'email', login: email, password }, origin);
    return this.issue(signedIn.userId, signedIn.session);
  }

  /**
   * Renews a token that is genuine and expired no longer than LEGACY_REFRESH_GRACE_SECONDS ago, while its
   * session is open, its user active and the session not past its end; a renewal is a use of the session.
   * Each token renews once: its `jti` is recorded in PostgreSQL (so across instances) until it is past the
   * grace period, and a second renewal with it is a 401.
   */
  async refresh(token: string): Promise<LegacyLogin> {
    const grace = this.config.auth.legacyRefreshGrace;
    const result = await this.tokens.verifyLegacyToken(token, grace);
    const refused = () => new DomainError('UNAUTHORIZED', MESSAGES.legacyRefreshRefused);
    if (!result.ok || typeof result.claims.jti !== 'string' || result.claims.jti.length > 64) throw refused();
    const { jti, exp, sid, sub } = result.claims;
    const session = await this.uow.run(async () => {
      const s = await this.accounts.refreshableSessionByCode(sid);
      if (!s || s.userId !== sub) throw refused();
      if (!(await this.accounts.useLegacyToken(jti, new Date((exp + grace) * 1000)))) throw refused();
      await this.accounts.renewSession(s.id);
      return s;
    });
    return this.issue(session.userId, session.code);
  }

  private async issue(userId: string, session: string): Promise<LegacyLogin> {
    const [user, groups] = await Promise.all([this.users.find(userId), this.users.groupsOf(userId)]);
    if (!user) throw new DomainError('UNAUTHORIZED', MESSAGES.unauthorized);
    const roles = groups.join(',');
    const token = await this.tokens.issueLegacyToken({ userId, session, email: user.email ?? null, roles });
    return { token, user: { email: user.email ?? null, roles }, userId, userUuid: user.uuid };
  }
}
