import type { KeyObject } from 'node:crypto';
import type { Request } from 'express';
import type { SecretOrKeyProvider } from 'passport-jwt';
import { invalidToken } from '../open-sessions.service.js';
import type { TokenService } from '../tokens/token.service.js';

/**
 * passport-jwt's `secretOrKeyProvider` over the key table: the key of the token's kid, when its header fits the
 * kind (TokenService.verificationKey); none is a 401 `invalid_token`. jsonwebtoken verifies with a KeyObject.
 */
export function keyProvider(tokens: TokenService, kind: 'access' | 'legacy'): SecretOrKeyProvider<Request> {
  return (_req, raw: string, done) => {
    const answer = (err: unknown, key?: KeyObject) => done(err, key as unknown as Buffer);
    void (async () => {
      let key: KeyObject | undefined;
      try {
        key = await tokens.verificationKey(raw, kind);
      } catch (err) {
        answer(err);
        return;
      }
      if (key) answer(null, key);
      else answer(invalidToken());
    })();
  };
}
