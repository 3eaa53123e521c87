import type { Request } from 'express';
import { errors, jwtVerify } from 'jose';
import { Strategy as JwtStrategy, type SecretOrKeyProvider } from 'passport-jwt';
import { invalidToken } from '../open-sessions.service.js';
import type { VerifyKey } from '../tokens/signing-keys.service.js';
import type { TokenService } from '../tokens/token.service.js';

/**
 * passport-jwt's `secretOrKeyProvider` over the key table: the key of the token's kid, when its header fits the
 * kind (TokenService.verificationKey); none is a 401 `invalid_token`.
 */
export function keyProvider(tokens: TokenService, kind: 'access' | 'legacy'): SecretOrKeyProvider<Request> {
  return (_req, raw: string, done) => {
    const answer = (err: unknown, key?: VerifyKey) => done(err, key as unknown as Buffer);
    void (async () => {
      let key: VerifyKey | undefined;
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

interface VerifyOptions {
  issuer?: string | string[];
  audience?: string | string[];
  algorithms?: string[];
}

/**
 * passport-jwt's verifier (its documented injection point, `JwtStrategy.JwtVerifier`) through jose instead of
 * jsonwebtoken, with the same checks (algorithms, issuer, audience, expiry) and jsonwebtoken's error names (the
 * guard reads TokenExpiredError). Our strategies never ask to ignore expiry. Why: jsonwebtoken verifies on the event loop, jose through WebCrypto on
 * libuv's thread pool. On the shared 2-core box the bearer guard made 0.52-0.87 of main's throughput (medians
 * of alternating runs, bench:auth BASELINE=...) with jsonwebtoken, where the signature guard held even; alone,
 * a verification cost 215 µs of the event loop with jsonwebtoken against 179 µs off it with jose.
 */
function verifyWithJose(
  token: string,
  key: VerifyKey,
  options: VerifyOptions,
  callback: (err: Error | null, payload?: unknown) => void,
): void {
  void (async () => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, { issuer: options.issuer, audience: options.audience, algorithms: options.algorithms }));
    } catch (err) {
      const refusal = new Error(err instanceof Error ? err.message : 'invalid token');
      refusal.name = err instanceof errors.JWTExpired ? 'TokenExpiredError' : 'JsonWebTokenError';
      callback(refusal);
      return;
    }
    callback(null, payload);
  })();
}

(JwtStrategy as unknown as { JwtVerifier: typeof verifyWithJose }).JwtVerifier = verifyWithJose;
