import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { DETACHED } from './authenticator.js';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { DomainError } from '../../../common/errors/domain-error.js';
import type { AuthContext } from '../../../common/security/auth-context.js';
import type { AppConfig } from '../../../config/app-config.js';
import { APP_CONFIG } from '../../../config/config.tokens.js';
import { MESSAGES } from '../auth.messages.js';
import { BasicCredentialsCache } from '../basic-credentials.cache.js';
import { OpenSessions } from '../open-sessions.service.js';
import { requestOrigin } from '../request-origin.js';
import { loginFieldOf, SignInService } from '../sign-in.service.js';
import { basicCredentials } from './credentials.js';

const LOGIN_MAX = 254;
const PASSWORD_MAX = 200;

/**
 * `Authorization: Basic` on the API (seed 002's list examples use `admin:admin`): the credential check and
 * lockout of sign-in (SignInService), one session per user and client address opened or reused, and the
 * password checked once per API_BASIC_CACHE_SECONDS (BasicCredentialsCache). API_BASIC_AUTH=false turns it off.
 */
@Injectable()
export class BasicStrategy extends PassportStrategy(Strategy, 'basic') {
  /** See DETACHED: the guard authenticates with its own application's Authenticator. */
  getPassportInstance() {
    return DETACHED;
  }

  constructor(
    private readonly signIn: SignInService,
    private readonly cache: BasicCredentialsCache,
    private readonly sessions: OpenSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async validate(req: Request): Promise<AuthContext | null> {
    if (!this.config.auth.basicAuth) return null;
    const credentials = basicCredentials(req);
    if (credentials === null) return null;
    if (credentials === 'malformed' || credentials.login.length > LOGIN_MAX || credentials.password.length > PASSWORD_MAX)
      throw new DomainError('UNAUTHORIZED', MESSAGES.badBasic);
    const origin = requestOrigin(req);
    const key = this.cache.keyOf(credentials.login, credentials.password, origin.host);
    const known = this.cache.get(key);
    if (known) {
      try {
        return this.sessions.context(await this.sessions.require(known.session, known.userId), 'basic', null);
      } catch {
        // Signed out, locked or run out since: check the password again (a new session, or the refusal).
        this.cache.forget(key);
      }
    }
    const entry = await this.cache.resolve(key, async () => {
      const { login, password } = credentials;
      const signedIn = await this.signIn.signIn({ field: loginFieldOf(login), login, password }, origin, {
        reuse: `basic\0${origin.host ?? ''}`,
        authCode: false,
      });
      return { userId: signedIn.userId, session: signedIn.session };
    });
    return this.sessions.context(await this.sessions.require(entry.session, entry.userId), 'basic', null);
  }
}
