import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccountsService } from './accounts.service.js';
import { AuthGuard } from './auth.guard.js';
import { IdentityBootstrapService } from './bootstrap.service.js';
import { IdentityRepository } from './identity.repository.js';
import { JwksController } from './jwks.controller.js';
import { AccountController, LegacyLoginController } from './legacy-login.controller.js';
import { LegacyLoginService } from './legacy-login.service.js';
import { OpenSessionCache } from './open-session.cache.js';
import { PasswordService } from './password.service.js';
import { ProfileController } from './profile.controller.js';
import { ProfileService } from './profile.service.js';
import { SessionsService } from './sessions.service.js';
import { SignController } from './sign.controller.js';
import { SignInService } from './sign-in.service.js';
import { SignUpService } from './sign-up.service.js';
import { SigningKeysService } from './tokens/signing-keys.service.js';
import { TokenService } from './tokens/token.service.js';

/**
 * Identity: users, sessions, sign up/in/out, request signing, tokens, legacy logins, and the global API
 * guard. Public services for other modules: SignInService (the one credential check), TokenService,
 * SigningKeysService (the OAuth provider signs with the same keys and serves their JWKS).
 */
@Module({
  controllers: [SignController, ProfileController, LegacyLoginController, AccountController, JwksController],
  providers: [
    IdentityRepository,
    OpenSessionCache,
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
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [SignInService, TokenService, SigningKeysService, AccountsService],
})
export class AuthModule {}
