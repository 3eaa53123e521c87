import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { SessionsRepository } from './sessions.repository.js';
import { SignUpService } from './sign-up.service.js';
import { UsersRepository } from './users.repository.js';

const PURGE_EVERY_MS = 60_000;

/**
 * At start: an administrator exists (BOOTSTRAP_ADMIN_*; a generated password is
 * printed once). While running: used nonces and old authorization codes are purged every minute.
 */
@Injectable()
export class IdentityBootstrapService implements OnApplicationBootstrap, OnModuleDestroy {
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly signUp: SignUpService,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly uow: UnitOfWork,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    logger.setContext('IdentityBootstrap');
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdministrator();
    this.purgeTimer = setInterval(
      () => void this.sessions.purge(this.config.auth.nonceWindow).catch((err: Error) => this.logger.warn({ err }, 'purge failed')),
      PURGE_EVERY_MS,
    );
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  private async ensureAdministrator(): Promise<void> {
    const { username, password } = this.config.auth.bootstrapAdmin;
    await this.uow.run(async () => {
      if (await this.users.lockedAdministratorExists()) return;
      const generated = password ? undefined : randomBytes(18).toString('base64url');
      await this.signUp.create({
        type: 'physical',
        username,
        password: password ?? generated!,
        name: { name: 'Administrator' },
        groups: ['administrator', 'user'],
        operatorPassword: password !== undefined,
      });
      if (generated) this.logger.warn(`created administrator "${username}" with generated password ${generated} (shown once: change it)`);
      else this.logger.info(`created administrator "${username}" from BOOTSTRAP_ADMIN_PASSWORD`);
    });
  }
}
