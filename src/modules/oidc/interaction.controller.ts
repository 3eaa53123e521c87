import { createHmac, timingSafeEqual } from 'node:crypto';
import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '../../common/errors/domain-error.js';
import { type Language, requestLanguage } from '../../common/i18n/language.js';
import { Public } from '../../common/security/auth-context.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { requestOrigin } from '../auth/request-origin.js';
import { loginFieldOf, SignInService } from '../auth/sign-in.service.js';
import { SigningKeysService } from '../auth/tokens/signing-keys.service.js';
import { consentPage, errorPage, loginPage, PAGE_CSP } from './interaction-pages.js';
import { OidcProviderService } from './oidc-provider.service.js';

type Details = Awaited<ReturnType<OidcProviderService['provider']['interactionDetails']>>;
type PromptDetails = { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };

const LOGIN_MAX = 100;
const PASSWORD_MAX = 1000;
const ACCESS_DENIED = { error: 'access_denied', error_description: 'Access denied.' };

class PageError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/**
 * The login and consent pages of the authorization endpoint (`/oauth2/interaction/:uid`), server-rendered.
 * The provider binds each interaction to the browser by a cookie; the forms also carry a CSRF token derived
 * from the interaction id with a server key. Sign-in goes through SignInService (lockout, counters, the
 * event log) and opens the session the browser's tokens will be bound to. First-party clients skip consent.
 */
@ApiExcludeController()
@Public()
@Controller('oauth2/interaction')
export class InteractionController {
  /** The interactions' absolute path below the issuer (`/oauth2/interaction`), for the forms' actions. */
  private readonly base: string;

  constructor(
    private readonly oidc: OidcProviderService,
    private readonly signIn: SignInService,
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.base = `${new URL(config.auth.issuer).pathname.replace(/\/$/, '')}/interaction`;
  }

  private action(uid: string): string {
    return `${this.base}/${encodeURIComponent(uid)}`;
  }

  @Get(':uid')
  async show(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, async (lang) => {
      const details = await this.details(req, res, uid);
      const client = await this.clientOf(details);
      if (details.prompt.name === 'login') return loginPage({ action: this.action(uid), csrf: this.csrf(uid), client: client.name, lang });
      if (details.prompt.name === 'consent') {
        if (client.firstParty) return this.grantConsent(req, res, details);
        return consentPage({ action: this.action(uid), csrf: this.csrf(uid), client: client.name, scopes: requestedScopes(details), lang });
      }
      throw new PageError(400, 'invalid_request', `unsupported prompt ${details.prompt.name}`);
    });
  }

  @Post(':uid/login')
  @HttpCode(200)
  async login(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, async (lang) => {
      const body = this.form(req, uid);
      const details = await this.details(req, res, uid);
      if (details.prompt.name !== 'login') throw new PageError(400, 'invalid_request', 'this interaction does not ask for a login');
      const client = await this.clientOf(details);
      const login = typeof body.login === 'string' ? body.login.trim().slice(0, LOGIN_MAX) : '';
      const password = typeof body.password === 'string' ? body.password : '';
      if (!login || !password || password.length > PASSWORD_MAX) {
        res.status(400);
        return loginPage({
          action: this.action(uid),
          csrf: this.csrf(uid),
          client: client.name,
          login,
          error: lang === 'ru' ? 'Введите имя пользователя и пароль.' : 'Enter the user name and password.',
          lang,
        });
      }
      try {
        const signedIn = await this.signIn.signIn(
          { field: loginFieldOf(login), login, password },
          { ...requestOrigin(req), clientId: details.params.client_id as string },
        );
        await this.oidc.provider.interactionFinished(
          req,
          res,
          { login: { accountId: signedIn.userId }, platform: { sessionId: signedIn.sessionId } },
          { mergeWithLastSubmission: false },
        );
        return undefined;
      } catch (err) {
        if (!(err instanceof DomainError) || (err.code !== 'UNAUTHORIZED' && err.code !== 'FORBIDDEN')) throw err;
        res.status(err.status);
        return loginPage({ action: this.action(uid), csrf: this.csrf(uid), client: client.name, login, error: err.messageIn(lang), lang });
      }
    });
  }

  @Post(':uid/confirm')
  @HttpCode(200)
  async confirm(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, async () => {
      this.form(req, uid);
      const details = await this.details(req, res, uid);
      if (details.prompt.name !== 'consent') throw new PageError(400, 'invalid_request', 'this interaction does not ask for consent');
      return this.grantConsent(req, res, details);
    });
  }

  @Post(':uid/abort')
  @HttpCode(200)
  async abort(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, async () => {
      this.form(req, uid);
      await this.details(req, res, uid);
      await this.oidc.provider.interactionFinished(req, res, ACCESS_DENIED, { mergeWithLastSubmission: false });
      return undefined;
    });
  }

  /** Grants what the prompt found missing and resumes the authorization. */
  private async grantConsent(req: Request, res: Response, details: Details): Promise<undefined> {
    const { provider } = this.oidc;
    const accountId = details.session?.accountId;
    if (!accountId) throw new PageError(400, 'invalid_request', 'no signed-in user for this interaction');
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: details.params.client_id as string });
    if (!grant) throw new PageError(400, 'invalid_request', 'the grant has expired');
    const missing = details.prompt.details as PromptDetails;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return undefined;
  }

  private async details(req: Request, res: Response, uid: string): Promise<Details> {
    try {
      const details = await this.oidc.provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new Error('uid mismatch');
      return details;
    } catch {
      throw new PageError(
        400,
        'invalid_request',
        'This sign-in request has expired or belongs to another browser. Start again from the application.',
      );
    }
  }

  private async clientOf(details: Details): Promise<{ name: string; firstParty: boolean }> {
    const client = await this.oidc.provider.Client.find(details.params.client_id as string);
    if (!client) throw new PageError(400, 'invalid_client', 'unknown client');
    const meta = client as unknown as { clientName?: string; first_party?: boolean };
    return { name: meta.clientName ?? client.clientId, firstParty: meta.first_party === true };
  }

  /** The posted form, after its CSRF token is checked. */
  private form(req: Request, uid: string): Record<string, unknown> {
    const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    const presented = typeof body.csrf === 'string' ? Buffer.from(body.csrf) : Buffer.alloc(0);
    const expected = Buffer.from(this.csrf(uid));
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
      throw new PageError(403, 'invalid_request', 'The form has expired. Go back and try again.');
    return body;
  }

  private csrf(uid: string): string {
    return createHmac('sha256', this.keys.derivedSecret('oauth-interaction-csrf')).update(uid).digest('base64url');
  }

  /** Renders what `render` returns as HTML (or nothing when it redirected), and errors as an error page. */
  private async page(req: Request, res: Response, render: (lang: Language) => Promise<string | undefined>): Promise<void> {
    const lang = requestLanguage(req, 'ru');
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('Cache-Control', 'no-store');
    try {
      const html = await render(lang);
      if (html !== undefined) res.type('html').send(html);
    } catch (err) {
      const e = err instanceof PageError ? err : new PageError(500, 'server_error', 'Something went wrong. Try again later.');
      if (!(err instanceof PageError)) req.log?.error({ err }, 'interaction page failed');
      res
        .status(e.status)
        .type('html')
        .send(errorPage(e.error, e.description, lang));
    }
  }
}

/** The scopes the consent screen lists. */
function requestedScopes(details: Details): string[] {
  const missing = details.prompt.details as PromptDetails;
  const resource = Object.values(missing.missingResourceScopes ?? {}).flat();
  return [...new Set([...(missing.missingOIDCScope ?? []), ...resource])];
}
