import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { DETACHED } from './authenticator.js';
import type { Request } from 'express';
import { type Algorithm } from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import type { AuthContext } from '../../../common/security/auth-context.js';
import { invalidToken, OpenSessions } from '../open-sessions.service.js';
import { keyProvider } from './jwt-keys.js';
import { isAccessClaims, TokenService } from '../tokens/token.service.js';
import { bearerToken } from './credentials.js';

/**
 * `Authorization: Bearer <access token>`: the ES256/RS256 JWTs of the OAuth server (RFC 9068 `at+jwt`), verified by
 * passport-jwt with the key of the token's kid from the key table, then the session it is bound to.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, 'access-token') {
  /** See DETACHED: the guard authenticates with its own application's Authenticator. */
  getPassportInstance() {
    return DETACHED;
  }

  constructor(
    tokens: TokenService,
    private readonly sessions: OpenSessions,
  ) {
    const { algorithms, issuer, audience } = tokens.accessRules;
    super({
      jwtFromRequest: (req: Request) => {
        const token = bearerToken(req);
        // HS256 tokens are the legacy strategy's; anything else that is not a JWT fails verification here.
        return token && tokens.kind(token) !== 'legacy' ? token : null;
      },
      secretOrKeyProvider: keyProvider(tokens, 'access'),
      algorithms: algorithms as Algorithm[],
      issuer,
      audience,
    });
  }

  async validate(claims: Record<string, unknown>): Promise<AuthContext> {
    if (!isAccessClaims(claims)) throw invalidToken();
    return this.sessions.context(await this.sessions.require(claims.sid, claims.sub), 'token', claims.scope ?? null);
  }
}
