import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiContract } from '../../common/errors/api-contract.js';
import { Public } from '../../common/security/auth-context.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import { SignInService } from '../auth/sign-in.service.js';
import { requestOrigin } from '../auth/request-origin.js';
import { PinSignInDto, PinSignInResponseDto } from './callbacks.dto.js';
import { normalizePin } from './callbacks.rules.js';
import { PortalPersonsService } from './portal-persons.service.js';

/**
 * What the portal's PIN is for: a sign-in by personnel number (or e-mail) and PIN, through identity's one
 * credential check (counters, lockout after AUTH_PIN_LOCK_THRESHOLD failures, session limit, event log). The
 * answer is sign/in's.
 */
@ApiTags('auth')
@ApiContract('platform')
@Controller('api/v1/sign')
export class PinSignInController {
  constructor(
    private readonly signIns: SignInService,
    private readonly persons: PortalPersonsService,
  ) {}

  @Post('pin')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in by tab_no or email and the PIN the intranet portal issued (seed 001)',
    description:
      'Exactly one of tab_no and email. 401 on a wrong PIN or an unknown person; after AUTH_PIN_LOCK_THRESHOLD wrong PINs or passwords in a row the account is locked for AUTH_LOCK_MINUTES (403).',
  })
  @ApiOkResponse({ type: PinSignInResponseDto })
  async signIn(@Body() body: PinSignInDto, @Req() req: Request): Promise<PinSignInResponseDto> {
    const given = (['tab_no', 'email'] as const).filter((k) => body[k] !== undefined && body[k] !== null);
    if (given.length !== 1) throw invalidField('tab_no', 'exactly one of tab_no or email is required');
    const userId = await this.persons.userForSignIn(given[0] === 'tab_no' ? { tabNo: body.tab_no } : { email: body.email });
    const { session, code, secret } = await this.signIns.signIn({ field: 'pin', userId, pin: normalizePin(body.pin)! }, requestOrigin(req));
    return { session, code, secret };
  }
}
