import { createHmac } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { sha256Hex } from '../../common/security/hash.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AccountsService, type Person } from '../auth/accounts.service.js';
import { SigningKeysService } from '../auth/tokens/signing-keys.service.js';
import { qrError } from './qr-codes.errors.js';
import { QrCodesRepository, type StoredCode } from './qr-codes.repository.js';

/** Seed 004's `GET /api/qr` answer: the code and its window in epoch seconds. */
export interface IssuedCode {
  code: string;
  time_start: number;
  time_expire: number;
}

/** Seed 004's `getUser` answer. */
export interface IdentifiedUser {
  username: string;
  fullname: string;
  permissions: Record<string, boolean>;
}

/** The longest code getUser looks up (ours are 32 characters); anything longer is not in the database. */
const CODE_MAX = 128;
const CODE_SHAPE = /^[A-Za-z0-9_-]+$/;
/** 24 bytes of HMAC-SHA256: 192 bits, 32 URL-safe characters. */
const CODE_BYTES = 24;
/** The group every account is in says nothing about what it may do, so it is left out of `permissions`. */
const BASE_GROUP = 'user';
const PURGE_EVERY_MS = 60_000;

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Seed 004's identification codes. A user's code for a window is HMAC-SHA256(server key, user id, window start),
 * so asking again inside a window gives the same code without keeping it: the database holds only its SHA-256
 * (looked up by getUser) and the window. Windows last QR_CODE_TTL_SECONDS from the first request; with less than
 * QR_CODE_LEAD_SECONDS left, the next window's code is issued ahead (its `time_start` is the current one's
 * `time_expire`, so getUser answers 103 for it until then). Expired codes answer 104 for QR_CODE_RETAIN_SECONDS,
 * then are purged (102).
 */
@Injectable()
export class QrCodesService implements OnModuleInit, OnModuleDestroy {
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly repo: QrCodesRepository,
    private readonly uow: UnitOfWork,
    private readonly accounts: AccountsService,
    private readonly keys: SigningKeysService,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    logger.setContext(QrCodesService.name);
  }

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => {
      this.purge().catch((err: unknown) => this.logger.warn({ err }, 'purging expired QR codes failed'));
    }, PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  /** The user's current code, or the next one when the current is about to run out (seed 004's GET /api/qr). */
  issue(userId: string): Promise<IssuedCode> {
    return this.window(userId, true);
  }

  /** The user's code that is valid now (the /qr page shows it until the next one's time_start). */
  current(userId: string): Promise<IssuedCode> {
    return this.window(userId, false);
  }

  private window(userId: string, ahead: boolean): Promise<IssuedCode> {
    const { ttlSeconds, leadSeconds, retainSeconds } = this.config.qr;
    return this.uow.run(async () => {
      await this.repo.lockUser(userId);
      const now = nowSeconds();
      await this.repo.purge(now - retainSeconds, userId);
      const codes = await this.repo.unexpired(userId, now);
      const current = codes.find((c) => c.start <= now) ?? (await this.stored(userId, now, now + ttlSeconds));
      if (!ahead || current.expire - now >= leadSeconds) return this.view(userId, current);
      const next =
        codes.find((c) => c.start === current.expire) ?? (await this.stored(userId, current.expire, current.expire + ttlSeconds));
      return this.view(userId, next);
    });
  }

  /** Who a code identifies (seed 004's getUser), or the seed's error. */
  async identify(code: unknown): Promise<IdentifiedUser> {
    const person = await this.personOf(code);
    return {
      username: person.username,
      fullname: person.fullName,
      permissions: Object.fromEntries(person.groups.filter((g) => g !== BASE_GROUP).map((g) => [g, true])),
    };
  }

  /** The active person a valid code stands for (the shift scan identifies users this way), or the seed's error. */
  async personOf(code: unknown): Promise<Person> {
    if (code === undefined || code === null || code === '') throw qrError('noCode');
    if (typeof code !== 'string') throw qrError('unknown');
    if (code.length > CODE_MAX || !CODE_SHAPE.test(code)) throw qrError('unknownCode');
    const stored = await this.repo.findByHash(sha256Hex(code));
    if (!stored) throw qrError('unknownCode');
    const now = nowSeconds();
    if (now < stored.start) throw qrError('notYetValid', { seconds: stored.start - now });
    if (now >= stored.expire) throw qrError('expired');
    const person = stored.userId === null ? undefined : await this.accounts.person(stored.userId);
    if (!person || !person.active) throw qrError('userNotFound');
    return person;
  }

  /**
   * Counts a getUser call from `address` in the current fixed window (shared by every instance through the
   * database); past QR_GETUSER_RATE_LIMIT calls, a 429 (code 1) until the window ends.
   */
  async countCall(address: string | null): Promise<{ retryAfter: number } | undefined> {
    const { rateLimit, rateWindowSeconds } = this.config.qr;
    if (rateLimit === 0) return undefined;
    const now = nowSeconds();
    const windowStart = now - (now % rateWindowSeconds);
    const hits = await this.repo.hit((address ?? 'unknown').slice(0, 64), windowStart);
    return hits > rateLimit ? { retryAfter: windowStart + rateWindowSeconds - now } : undefined;
  }

  tooManyRequests(): DomainError {
    return new DomainError('TOO_MANY_REQUESTS', { ru: 'Слишком много запросов', en: 'Too many requests' }, { contractCode: 1 });
  }

  private async purge(): Promise<void> {
    const now = nowSeconds();
    await this.repo.purge(now - this.config.qr.retainSeconds);
    await this.repo.purgeRateWindows(now - this.config.qr.rateWindowSeconds);
  }

  private derive(userId: string, start: number): string {
    return createHmac('sha256', this.keys.derivedSecret('qr-codes'))
      .update(`${userId}\0${start}`)
      .digest()
      .subarray(0, CODE_BYTES)
      .toString('base64url');
  }

  private async stored(userId: string, start: number, expire: number): Promise<StoredCode> {
    await this.repo.insert(userId, sha256Hex(this.derive(userId, start)), start, expire);
    const row = (await this.repo.unexpired(userId, start)).find((c) => c.start === start);
    if (!row) throw new Error('the QR code just stored is not there');
    return row;
  }

  /** The code of a stored window; a window stored under a key rotated out since gets the active key's code. */
  private async view(userId: string, c: StoredCode): Promise<IssuedCode> {
    const code = this.derive(userId, c.start);
    const hash = sha256Hex(code);
    if (hash !== c.codeHash) await this.repo.rehash(c.id, hash);
    return { code, time_start: c.start, time_expire: c.expire };
  }
}
