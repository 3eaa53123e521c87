import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccountsService } from './accounts.service.js';
import { AdminSessionsController } from './admin-sessions.controller.js';
import { ApiAuthGuard } from './api-auth.guard.js';
import { BasicCredentialsCache } from './basic-credentials.cache.js';
import { IdentityBootstrapService } from './bootstrap.service.js';
import { JwksController } from './jwks.controller.js';
import { AccountController, LegacyLoginController } from './legacy-login.controller.js';
import { LegacyLoginService } from './legacy-login.service.js';
import { OpenSessionCache } from './open-session.cache.js';
import { OpenSessions } from './open-sessions.service.js';
import { PasswordService } from './password.service.js';
import { ProfileController } from './profile.controller.js';
import { ProfileRepository } from './profile.repository.js';
import { ProfileService } from './profile.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { SignController } from './sign.controller.js';
import { SignInService } from './sign-in.service.js';
import { SignUpService } from './sign-up.service.js';
import { AccessTokenStrategy } from './strategies/access-token.strategy.js';
import { BasicStrategy } from './strategies/basic.strategy.js';
import { LegacyTokenStrategy } from './strategies/legacy-token.strategy.js';
import { SignatureStrategy } from './strategies/signature.strategy.js';
import { SigningKeysRepository } from './tokens/signing-keys.repository.js';
import { SigningKeysService } from './tokens/signing-keys.service.js';
import { TokenService } from './tokens/token.service.js';
import { UsersRepository } from './users.repository.js';

/**
 * Identity: users, sessions, sign up/in/out, request signing, tokens, legacy logins, and the global API guard
 * (Passport strategies). Public services for other modules: SignInService (the one credential check),
 * AccountsService (users and sessions), TokenService, SigningKeysService (the OAuth provider signs with the same
 * keys and serves their JWKS).
 */
@Module({
  imports: [PassportModule],
  controllers: [SignController, ProfileController, AdminSessionsController, LegacyLoginController, AccountController, JwksController],
  providers: [
    UsersRepository,
    SessionsRepository,
    ProfileRepository,
    SigningKeysRepository,
    OpenSessionCache,
    OpenSessions,
    BasicCredentialsCache,
    AccountsService,
    PasswordService,
    SignInService,
    SessionsService,
    SignUpService,
    ProfileService,
    LegacyLoginService,
    SigningKeysService,
    TokenService,
    IdentityBootstrapService,
    SignatureStrategy,
    AccessTokenStrategy,
    LegacyTokenStrategy,
    BasicStrategy,
    { provide: APP_GUARD, useClass: ApiAuthGuard },
  ],
  exports: [SignInService, TokenService, SigningKeysService, AccountsService],
})
export class AuthModule {}
