import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { DETACHED } from './authenticator.js';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { DomainError } from '../../../common/errors/domain-error.js';
import type { AuthContext } from '../../../common/security/auth-context.js';
import type { AppConfig } from '../../../config/app-config.js';
import { APP_CONFIG } from '../../../config/config.tokens.js';
import { MESSAGES } from '../auth.messages.js';
import { OpenSessions } from '../open-sessions.service.js';
import { requestSignature, signatureMatches, signedPath } from '../request-signature.js';
import { SessionsRepository } from '../sessions.repository.js';

const NONCE = /^\d{1,19}$/;
/**
 * Seed 002's text says the nonce is the time in milliseconds, its example sends microseconds (Date.now() * 1000):
 * anything below this is read as milliseconds (1e14 ms is the year 5138; 1e14 µs was 1973).
 */
const MICROSECONDS_FROM = 1e14;

const refused = (message = MESSAGES.badSignature) => new DomainError('UNAUTHORIZED', message, { oauthError: 'invalid_token' });

/**
 * Seed 002's HMAC-SHA256 request signature (`Session`, `Nonce`, `Signature` headers) over
 * `<path without /api/v1, with its query string if any><nonce><raw body or null>`, keyed by the session's secret; the nonce within
 * NONCE_WINDOW_SECONDS of the server clock and never seen before for the session (kept in PostgreSQL).
 */
@Injectable()
export class SignatureStrategy extends PassportStrategy(Strategy, 'signature') {
  /** See DETACHED: the guard authenticates with its own application's Authenticator. */
  getPassportInstance() {
    return DETACHED;
  }

  constructor(
    private readonly sessions: OpenSessions,
    private readonly repo: SessionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async validate(req: Request): Promise<AuthContext | null> {
    const [code, nonce, signature] = [req.headers.session, req.headers.nonce, req.headers.signature];
    if (code === undefined && nonce === undefined && signature === undefined) return null;
    if (typeof code !== 'string' || typeof nonce !== 'string' || typeof signature !== 'string' || !NONCE.test(nonce)) throw refused();
    // Only JSON and urlencoded bodies keep their raw bytes; a multipart body could not be covered by the signature.
    if (req.is('multipart/form-data')) throw refused();
    const session = await this.sessions.require(code);
    const body = req.rawBody && req.rawBody.length > 0 ? req.rawBody.toString('utf8') : null;
    if (!signatureMatches(requestSignature(session.secret, signedPath(req.originalUrl), nonce, body), signature)) throw refused();
    const value = Number(nonce);
    const ms = value >= MICROSECONDS_FROM ? value / 1000 : value;
    if (Math.abs(Date.now() - ms) > this.config.auth.nonceWindow * 1000) throw refused(MESSAGES.staleNonce);
    if (!(await this.repo.useNonce(session.id, nonce))) throw refused(MESSAGES.replayedNonce);
    return this.sessions.context(session, 'signature', null);
  }
}
