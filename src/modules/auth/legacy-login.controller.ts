import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiContract } from '../../common/errors/api-contract.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { Public } from '../../common/security/auth-context.js';
import { GenerateTokenDto, LegacyLoginDto } from './auth.dto.js';
import { MESSAGES } from './auth.messages.js';
import { LegacyLoginService } from './legacy-login.service.js';
import { requestOrigin } from './request-origin.js';

/**
 * Seed 003: `POST /api/v1.0/login` (email + password -> HS256 token, 15 minutes) and `GET /api/v1.0/login`
 * with the expired token in Authorization (-> a new one, within LEGACY_REFRESH_GRACE_SECONDS). The seed asks
 * clients not to extend tokens by POSTing the login again; nothing enforces that.
 */
@ApiTags('auth')
@ApiContract('legacy')
@Public()
@Controller('api/v1.0')
export class LegacyLoginController {
  constructor(private readonly legacy: LegacyLoginService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Seed 003 login: email + password -> {token, user: {email, roles}}' })
  async login(@Body() body: LegacyLoginDto, @Req() req: Request) {
    const { token, user } = await this.legacy.login(body.email, body.password, requestOrigin(req));
    return { token, user };
  }

  @Get('login')
  @ApiOperation({ summary: 'Seed 003 refresh: an expired (but genuine) token in Authorization -> a new token' })
  @ApiHeader({ name: 'Authorization', description: 'The expired token, bare or as "Bearer <token>"' })
  async refresh(@Headers('authorization') authorization?: string) {
    if (!authorization) throw new DomainError('UNAUTHORIZED', MESSAGES.unauthorized);
    const { token, user } = await this.legacy.refresh(authorization.replace(/^Bearer\s+/i, '').trim());
    return { token, user };
  }
}

/**
 * Seed 000: `POST /account/generatetoken` (username = email, pswd) -> the user's own unique id and a signed JWT. The
 * id is the user's UUID, the `userId` the CompanySessions export shows (the seed's example ids are UUIDs), never
 * the internal bigint.
 */
@ApiTags('sessions-export')
@ApiContract('legacy')
@Public()
@Controller('account')
export class AccountController {
  constructor(private readonly legacy: LegacyLoginService) {}

  @Post('generatetoken')
  @HttpCode(200)
  @ApiOperation({ summary: 'Seed 000: a JWT for the export API (Authorization: <token>)' })
  @ApiOkResponse({ schema: { example: { userId: '7f46106c-e014-444d-9982-65cd3f502d71', token: 'eyJ...' } } })
  async generateToken(@Body() body: GenerateTokenDto, @Req() req: Request) {
    const { token, userUuid } = await this.legacy.login(body.username, body.pswd, requestOrigin(req));
    return { userId: userUuid, token };
  }
}
