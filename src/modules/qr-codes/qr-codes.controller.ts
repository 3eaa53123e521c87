import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiContract } from '../../common/errors/api-contract.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { Auth, type AuthContext, PublicWhen } from '../../common/security/auth-context.js';
import { AcceptBrowserSession } from '../../common/security/browser-session.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { GetUserDto, GetUserResponseDto, QrCodeResponseDto, QrErrorDto } from './qr-codes.dto.js';
import { QrCodesService } from './qr-codes.service.js';

/** Seed 004 `GET /api/qr`: the signed-in user's current code (bearer token, signed request or the site's cookies). */
@ApiTags('qr-codes')
@ApiContract('qr')
@Controller('api/qr')
export class QrController {
  constructor(private readonly codes: QrCodesService) {}

  @Get()
  @AcceptBrowserSession()
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({ summary: "Seed 004: the signed-in user's QR code as text {code, time_start, time_expire}" })
  @ApiOkResponse({ type: QrCodeResponseDto })
  @ApiUnauthorizedResponse({ type: QrErrorDto, description: 'Not signed in (error 1)' })
  async qr(@Auth() auth: AuthContext, @Res({ passthrough: true }) res: Response): Promise<QrCodeResponseDto> {
    res.setHeader('Cache-Control', 'no-store');
    return this.codes.issue(auth.userId);
  }
}

/**
 * Seed 004 `GET/POST /api/getUser`: who a code stands for. Open to anyone while QR_GETUSER_AUTH=none (the seed:
 * "no key for now"), an OAuth client's access token with `client`; limited per client address either way.
 */
@ApiTags('qr-codes')
@ApiContract('qr')
@PublicWhen((config) => config.qr.getUserAuth === 'none')
@Controller('api/getUser')
export class GetUserController {
  constructor(
    private readonly codes: QrCodesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Seed 004: the user a code identifies (?code=)' })
  @ApiOkResponse({ type: GetUserResponseDto })
  @ApiBadRequestResponse({ type: QrErrorDto, description: '101 no code sent; 1 a code that is not a string' })
  @ApiNotFoundResponse({ type: QrErrorDto, description: '102 not in the database; 10 the user is gone or locked' })
  @ApiForbiddenResponse({ type: QrErrorDto, description: '103 not valid yet' })
  @ApiGoneResponse({ type: QrErrorDto, description: '104 expired' })
  @ApiTooManyRequestsResponse({ type: QrErrorDto, description: 'QR_GETUSER_RATE_LIMIT reached for this address (1)' })
  async byQuery(@Query() query: GetUserDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<GetUserResponseDto> {
    return this.getUser(query.code, req, res);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Seed 004: the user a code identifies ({"code"})' })
  @ApiOkResponse({ type: GetUserResponseDto })
  @ApiBadRequestResponse({ type: QrErrorDto, description: '101 no code sent; 1 a code that is not a string' })
  @ApiNotFoundResponse({ type: QrErrorDto, description: '102 not in the database; 10 the user is gone or locked' })
  @ApiForbiddenResponse({ type: QrErrorDto, description: '103 not valid yet' })
  @ApiGoneResponse({ type: QrErrorDto, description: '104 expired' })
  @ApiTooManyRequestsResponse({ type: QrErrorDto, description: 'QR_GETUSER_RATE_LIMIT reached for this address (1)' })
  async byBody(@Body() body: GetUserDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<GetUserResponseDto> {
    return this.getUser(body?.code, req, res);
  }

  private async getUser(code: unknown, req: Request, res: Response): Promise<GetUserResponseDto> {
    const limited = await this.codes.countCall(req.ip ?? null);
    if (limited) {
      res.setHeader('Retry-After', String(limited.retryAfter));
      throw this.codes.tooManyRequests();
    }
    if (this.config.qr.getUserAuth === 'client' && (req.auth?.via !== 'token' || !req.auth.clientId))
      throw new DomainError('FORBIDDEN', { ru: 'Нужен токен клиента', en: 'A client access token is required' }, { contractCode: 1 });
    res.setHeader('Cache-Control', 'no-store');
    return this.codes.identify(code);
  }
}
