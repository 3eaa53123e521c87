import { Inject, Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';

/**
 * argon2id password hashes (@node-rs/argon2: maintained, prebuilt native binaries shipped in npm packages,
 * no install script, work off the event loop). Cost from ARGON2_* configuration.
 */
@Injectable()
export class PasswordService {
  private readonly options;
  /** Verified against when a login names nobody, so both paths cost the same. */
  private dummyHash?: Promise<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.options = { algorithm: Algorithm.Argon2id, ...config.auth.argon2 };
  }

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    if (!passwordHash) {
      this.dummyHash ??= this.hash('not a password');
      await verify(await this.dummyHash, password).catch(() => false);
      return false;
    }
    return verify(passwordHash, password).catch(() => false);
  }
}
