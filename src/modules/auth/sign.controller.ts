import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiContract } from '../../common/errors/api-contract.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { requestLanguage } from '../../common/i18n/language.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import { Auth, type AuthContext, Public } from '../../common/security/auth-context.js';
import {
  AuthenticateDto,
  AuthorizeDto,
  AuthorizeResponseDto,
  SecretCodeDto,
  SecretCodeResponseDto,
  SignInDto,
  SignInResponseDto,
  SignOutDto,
  SignUpDto,
  SignUpResponseDto,
} from './auth.dto.js';
import { AccountsService } from './accounts.service.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { MESSAGES } from './auth.messages.js';
import { requestOrigin } from './request-origin.js';
import { SessionsService } from './sessions.service.js';
import { SignInService } from './sign-in.service.js';
import { SignUpService } from './sign-up.service.js';

/** Seed 002: registration, sign in/out, authenticate, authorize. */
@ApiTags('auth')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1')
export class SignController {
  constructor(
    private readonly signInService: SignInService,
    private readonly sessions: SessionsService,
    private readonly signUpService: SignUpService,
    private readonly accounts: AccountsService,
  ) {}

  @Post('sign/in')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in by username, phone or email and password',
    description:
      'With the user name (personal code) the password may be SHA1 of the user’s secret code (hex). 401 on wrong credentials; 403 when the account is locked or expired.',
  })
  @ApiOkResponse({ type: SignInResponseDto })
  async signIn(@Body() body: SignInDto, @Req() req: Request): Promise<SignInResponseDto> {
    const logins = (['username', 'phone', 'email'] as const).filter((k) => body[k] !== undefined);
    if (logins.length !== 1) throw invalidField('username', 'exactly one of username, phone or email is required');
    const field = logins[0];
    const { session, code, secret } = await this.signInService.signIn(
      { field, login: body[field]!, password: body.password },
      requestOrigin(req),
    );
    return { session, code, secret };
  }

  @Post('sign/out')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the session (or another of the user), or all with close_all' })
  signOut(@Body() body: SignOutDto, @Auth() auth: AuthContext) {
    return this.sessions.signOut(auth, body.session, body.close_all ?? false);
  }

  @Post('sign/up')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Register a user and its client document (administrators and account creators)',
    description:
      'Called by the authorization server at registration: a client_credentials token of a client whose service account may create accounts (the bootstrap client may), or an administrator. Without username the email is the login; without password one is generated and answered once (`password`). Duplicate username, email or phone: 400 with the seed message.',
  })
  @ApiOkResponse({ type: SignUpResponseDto })
  signUp(@Body() body: SignUpDto, @Auth() auth: AuthContext): Promise<SignUpResponseDto> {
    if (!auth.accountCreator) throw new DomainError('FORBIDDEN', MESSAGES.accountCreatorsOnly);
    return this.signUpService.register({ ...body, type: body.type ?? 'physical' });
  }

  @Post('authenticate')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Session + secret -> a new one-time authorization code' })
  authenticate(@Body() body: AuthenticateDto) {
    return this.sessions.authenticate(body.session, body.secret);
  }

  @Post('authorize')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Is this session open and usable?' })
  @ApiOkResponse({ type: AuthorizeResponseDto })
  authorize(@Body() body: AuthorizeDto, @Req() req: Request) {
    return this.sessions.authorize(body.session, requestLanguage(req, 'ru'));
  }

  @Post('sign/secret')
  @HttpCode(200)
  @ApiOperation({
    summary: "Issue a new secret code (the OAuth password grant's `secret`)",
    description: "The caller's own, or with `userid` another user's (administrators). Shown once; the previous code stops working.",
  })
  @ApiOkResponse({ type: SecretCodeResponseDto })
  async secretCode(@Body() body: SecretCodeDto, @Auth() auth: AuthContext): Promise<SecretCodeResponseDto> {
    const userId = body.userid ?? auth.userId;
    if (userId !== auth.userId && !auth.admin) throw new DomainError('FORBIDDEN', 'Only administrators may issue codes for other users');
    if (!(await this.accounts.userExists(userId))) throw new DomainError('NOT_FOUND', `User ${userId} not found`);
    return { secret: await this.accounts.issueSecretCode(userId) };
  }
}
