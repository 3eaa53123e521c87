import { randomBytes } from 'node:crypto';
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiExcludeEndpoint, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { requestLanguage } from '../../common/i18n/language.js';
import { Auth, type AuthContext, Public } from '../../common/security/auth-context.js';
import { AcceptBrowserSession, BrowserSessions } from '../../common/security/browser-session.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { qrPage, qrPageCsp, signInFirstPage } from './qr-page.js';
import { type IssuedCode, QrCodesService } from './qr-codes.service.js';

/** A code as an SVG image. The QR library is loaded on the first image asked for, not at start-up. */
async function qrSvg(code: string): Promise<string> {
  return (await import('qrcode')).default.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** A code as a PNG image `width` pixels wide. */
async function qrPng(code: string, width: number): Promise<Buffer> {
  return (await import('qrcode')).default.toBuffer(code, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width });
}

const SIZE_MIN = 64;
const SIZE_MAX = 1024;
const SIZE_DEFAULT = 256;

/** What /api/qr would answer, as an image; the window and the code in headers (for the /qr page's script). */
function windowHeaders(res: Response, c: IssuedCode): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-QR-Code', c.code);
  res.setHeader('X-QR-Time-Start', String(c.time_start));
  res.setHeader('X-QR-Time-Expire', String(c.time_expire));
}

/**
 * Beyond seed 004: the code of `GET /api/qr` as an SVG or PNG image (the `qrcode` library, error correction M),
 * and the `/qr` page that shows it to the signed-in browser and renews it by itself. The images keep the seed's
 * envelope for errors (ContractRegistry: registered under the qr contract by the module).
 */
@ApiTags('qr-codes')
@Controller()
export class QrImagesController {
  constructor(
    private readonly codes: QrCodesService,
    private readonly browserSessions: BrowserSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('api/qr.svg')
  @AcceptBrowserSession()
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiProduces('image/svg+xml')
  @ApiOperation({ summary: 'The code of GET /api/qr as an SVG image (window in X-QR-Time-Start / X-QR-Time-Expire)' })
  async svg(@Auth() auth: AuthContext, @Res() res: Response): Promise<void> {
    const c = await this.codes.issue(auth.userId);
    windowHeaders(res, c);
    res.type('image/svg+xml').send(await qrSvg(c.code));
  }

  @Get('api/qr.png')
  @AcceptBrowserSession()
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiProduces('image/png')
  @ApiQuery({ name: 'size', required: false, description: `Width in pixels, ${SIZE_MIN}..${SIZE_MAX} (default ${SIZE_DEFAULT})` })
  @ApiOperation({ summary: 'The code of GET /api/qr as a PNG image (window in X-QR-Time-Start / X-QR-Time-Expire)' })
  async png(@Auth() auth: AuthContext, @Query('size') size: unknown, @Res() res: Response): Promise<void> {
    const n = typeof size === 'string' && /^\d{1,4}$/.test(size) ? Number(size) : SIZE_DEFAULT;
    const width = Math.min(SIZE_MAX, Math.max(SIZE_MIN, n));
    const c = await this.codes.issue(auth.userId);
    windowHeaders(res, c);
    res.type('image/png').send(await qrPng(c.code, width));
  }

  /** The page: only for a browser signed in through the login pages (it is what a browser carries). */
  @Get('qr')
  @Public()
  @ApiExcludeEndpoint()
  async page(@Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = requestLanguage(req, this.config.auth.defaultLocale);
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', qrPageCsp(nonce));
    res.setHeader('Cache-Control', 'no-store');
    const signedIn = await this.browserSessions.resolve(req, res);
    if (!signedIn) {
      res.status(401).type('html').send(signInFirstPage(lang));
      return;
    }
    const code = await this.codes.current(signedIn.userId);
    const svg = await qrSvg(code.code);
    res.type('html').send(qrPage({ svg, code, leadSeconds: this.config.qr.leadSeconds, nonce, lang }));
  }
}
