import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';

export interface BasicEntry {
  userId: string;
  session: string;
}

const MAX_ENTRIES = 10_000;

/**
 * HTTP Basic on the API checks the password once per API_BASIC_CACHE_SECONDS per process, not on every request
 * (argon2id costs ~55 ms of a core here, design/auth.md section 5): the verified credentials are remembered under
 * an HMAC of login, password and client address keyed by a per-process random key (never stored, never logged),
 * pointing at the session they opened. Dropped when the user is locked or signs out (the session check fails
 * and the entry goes), and by `forgetUser` on a password change. Concurrent first requests share one check.
 */
@Injectable()
export class BasicCredentialsCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, BasicEntry & { until: number }>();
  private readonly pending = new Map<string, Promise<BasicEntry>>();
  private readonly ttlMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.ttlMs = config.auth.basicCacheSeconds * 1000;
  }

  keyOf(login: string, password: string, host: string | null): string {
    return createHmac('sha256', this.key)
      .update(`${login}\0${password}\0${host ?? ''}`)
      .digest('base64url');
  }

  get(key: string): BasicEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry;
    this.entries.delete(key);
    return undefined;
  }

  /** The entry for `key`, from `check` when there is none; one check at a time per key. */
  async resolve(key: string, check: () => Promise<BasicEntry>): Promise<BasicEntry> {
    const running = this.pending.get(key);
    if (running) return running;
    const promise = check()
      .then((entry) => {
        if (this.ttlMs > 0) {
          if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
          this.entries.set(key, { ...entry, until: Date.now() + this.ttlMs });
        }
        return entry;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return promise;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every remembered credential of the user (locked, or its password changed). */
  forgetUser(userId: string): void {
    for (const [key, entry] of this.entries) if (entry.userId === userId) this.entries.delete(key);
  }
}
