import type { Request } from 'express';
import { errors, type JWTPayload, jwtVerify } from 'jose';
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

const MAX_VERIFIED = 10_000;

/**
 * The tokens whose signature and claims this process has already verified, per key and per strategy's options:
 * a client sends the same bearer token with every request until it expires, and an ES256 verification is most
 * of the bearer guard's CPU (bench:floor, `node --cpu-prof`). A token is taken from here only for the very key
 * object that verified it (a key the table no longer holds is not found before this is asked) and the very
 * options object of its strategy, and only while it has not expired (`exp`, `nbf` checked again on every use;
 * an expired one goes to jose, which refuses it with its reason). The session the token is bound to is still
 * looked up on every request (OpenSessions.require). Bounded: the oldest entry goes first.
 */
export class VerifiedTokens {
  private readonly byKey = new WeakMap<object, Map<string, { options: object; payload: JWTPayload }>>();
  private size = 0;
  private readonly order: { key: object; token: string }[] = [];

  constructor(private readonly max = MAX_VERIFIED) {}

  recall(token: string, key: object, options: object, now = Date.now()): JWTPayload | undefined {
    const entry = this.byKey.get(key)?.get(token);
    if (!entry || entry.options !== options) return undefined;
    const { exp, nbf } = entry.payload;
    if (typeof exp !== 'number' || exp * 1000 <= now || (typeof nbf === 'number' && nbf * 1000 > now)) return undefined;
    return entry.payload;
  }

  remember(token: string, key: object, options: object, payload: JWTPayload): void {
    if (typeof payload.exp !== 'number' || this.max <= 0) return; // a token that never expires is verified every time
    let tokens = this.byKey.get(key);
    if (!tokens) this.byKey.set(key, (tokens = new Map()));
    if (!tokens.has(token)) {
      if (this.size >= this.max) {
        const oldest = this.order.shift()!;
        if (this.byKey.get(oldest.key)?.delete(oldest.token)) this.size--;
      }
      this.order.push({ key, token });
      this.size++;
    }
    tokens.set(token, { options, payload });
  }
}

const verified = new VerifiedTokens();

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
  callback: (err: Error | null, payload?: JWTPayload) => void,
): void {
  const known = verified.recall(token, key, options);
  if (known) {
    callback(null, known);
    return;
  }
  void (async () => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, { issuer: options.issuer, audience: options.audience, algorithms: options.algorithms }));
      verified.remember(token, key, options, payload);
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
