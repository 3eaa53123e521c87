import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BrowserSessions } from '../../common/security/browser-session.js';
import { OAuthLoginsService } from './oauth-logins.service.js';
import { OidcProviderService } from './oidc-provider.service.js';

/**
 * Tells the API guard how to read the browser session the login pages set: the provider's signed `_session`
 * cookie names its session, whose uid is linked to the platform session the login page opened. Only a session
 * that is still usable counts (signed out through the API or run out: no session).
 */
@Injectable()
export class BrowserSessionBridge implements OnModuleInit {
  constructor(
    private readonly sessions: BrowserSessions,
    private readonly oidc: OidcProviderService,
    private readonly logins: OAuthLoginsService,
  ) {}

  onModuleInit(): void {
    this.sessions.register((req, res) => this.resolve(req, res));
  }

  private async resolve(req: Request, res: Response): Promise<{ session: string; userId: string } | undefined> {
    if (!req.headers.cookie) return undefined;
    const { Session } = this.oidc.provider;
    const session = await Session.get({ req, res } as unknown as Parameters<typeof Session.get>[0]);
    if (!session.accountId || !session.uid) return undefined;
    const platform = await this.logins.openSession(session.uid);
    return platform && platform.userId === session.accountId ? { session: platform.code, userId: platform.userId } : undefined;
  }
}
