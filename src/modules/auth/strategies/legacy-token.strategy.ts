import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { DETACHED } from './authenticator.js';
import type { Request } from 'express';
import { type Algorithm } from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import type { AuthContext } from '../../../common/security/auth-context.js';
import { invalidToken, OpenSessions } from '../open-sessions.service.js';
import { keyProvider } from './jwt-keys.js';
import { isLegacyClaims, TokenService } from '../tokens/token.service.js';
import { bearerToken, bareToken } from './credentials.js';

/**
 * The HS256 tokens of seeds 000 and 003, in `Authorization` bare (as seed 000's clients send them) or as Bearer:
 * passport-jwt with the legacy key of the token's kid, then the session it is bound to.
 */
@Injectable()
export class LegacyTokenStrategy extends PassportStrategy(Strategy, 'legacy-token') {
  /** See DETACHED: the guard authenticates with its own application's Authenticator. */
  getPassportInstance() {
    return DETACHED;
  }

  constructor(
    tokens: TokenService,
    private readonly sessions: OpenSessions,
  ) {
    const { algorithms, issuer } = tokens.legacyRules;
    super({
      jwtFromRequest: (req: Request) => {
        const token = bearerToken(req) ?? bareToken(req);
        return token && tokens.kind(token) === 'legacy' ? token : null;
      },
      secretOrKeyProvider: keyProvider(tokens, 'legacy'),
      algorithms: algorithms as Algorithm[],
      issuer,
    });
  }

  async validate(claims: Record<string, unknown>): Promise<AuthContext> {
    if (!isLegacyClaims(claims)) throw invalidToken();
    return this.sessions.context(await this.sessions.require(claims.sid, claims.sub), 'legacy-token', null);
  }
}
