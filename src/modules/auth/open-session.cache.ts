import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import type { OpenSession } from './sessions.repository.js';

const MAX_ENTRIES = 10_000;

/**
 * A seconds-long, per-process memory of open sessions, so a busy client's requests do not each look their
 * session up. Whatever closes or changes a session here forgets it at once; another instance may still
 * accept it for at most SESSION_CACHE_SECONDS (0 turns the cache off).
 */
@Injectable()
export class OpenSessionCache {
  private readonly entries = new Map<string, { session: OpenSession; until: number }>();
  private readonly ttlMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.ttlMs = config.auth.sessionCacheSeconds * 1000;
  }

  get(code: string): OpenSession | undefined {
    const entry = this.entries.get(code);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.session;
    this.entries.delete(code);
    return undefined;
  }

  set(session: OpenSession): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(session.code, { session, until: Date.now() + this.ttlMs });
  }

  forget(codes: Iterable<string>): void {
    for (const code of codes) this.entries.delete(code);
  }
}
