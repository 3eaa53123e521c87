import { Global, Injectable, Module, SetMetadata } from '@nestjs/common';
import type { Request, Response } from 'express';

export const BROWSER_SESSION = 'auth:browser-session';

/**
 * The route also accepts the browser session the login pages set (a cookie), when the request carries no other
 * credentials: seed 004's `GET /api/qr` is called from the site with its cookies, and the `/qr` page is a page.
 * Only for reads: a cookie is sent by the browser on its own, so nothing that changes state may accept it.
 */
export const AcceptBrowserSession = () => SetMetadata(BROWSER_SESSION, true);

/** The platform session (public code) and user a browser's cookies stand for, or undefined. */
export type BrowserSessionResolver = (req: Request, res: Response) => Promise<{ session: string; userId: string } | undefined>;

/**
 * Where the module that owns the browser session (the OAuth server's login pages) registers how to read it, and
 * where the API guard asks. The kernel knows neither of them.
 */
@Injectable()
export class BrowserSessions {
  private resolver?: BrowserSessionResolver;

  register(resolver: BrowserSessionResolver): void {
    this.resolver = resolver;
  }

  resolve(req: Request, res: Response): Promise<{ session: string; userId: string } | undefined> {
    return this.resolver ? this.resolver(req, res) : Promise.resolve(undefined);
  }
}

@Global()
@Module({ providers: [BrowserSessions], exports: [BrowserSessions] })
export class BrowserSessionsModule {}
