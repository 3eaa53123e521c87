import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../../common/errors/domain-error.js';
import { sha256Hex } from '../../common/security/hash.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';

/** The header the intranet portal authenticates with (seed 001: `X-Callback-Key: osnova_callback`). */
export const CALLBACK_KEY_HEADER = 'x-callback-key';

/**
 * The portal's authentication on /api/v1/callback/...: the X-Callback-Key header must be one of CALLBACK_KEYS
 * (several, so a key can be rotated). Compared as SHA-256 digests in constant time, against every key (no early
 * exit). With no key configured the routes are off: 404, as if they did not exist.
 */
@Injectable()
export class CallbackKeyGuard implements CanActivate {
  private readonly digests: Buffer[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.digests = config.callbacks.keys.map((k) => Buffer.from(sha256Hex(k), 'hex'));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.digests.length === 0) throw new DomainError('NOT_FOUND');
    const presented = context.switchToHttp().getRequest<Request>().headers[CALLBACK_KEY_HEADER];
    const given = Buffer.from(sha256Hex(typeof presented === 'string' ? presented : ''), 'hex');
    let match = false;
    for (const digest of this.digests) match = timingSafeEqual(given, digest) || match;
    if (!match || typeof presented !== 'string') throw new DomainError('UNAUTHORIZED', 'Invalid callback key.');
    return true;
  }
}
