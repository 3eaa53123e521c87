import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { OAuthLogin } from './oauth-login.entity.js';

/** Every statement on `oauth_login` (which of our sessions a browser's provider session signed in to). */
@Injectable()
export class OAuthLoginsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get logins() {
    return this.uow.manager.getRepository(OAuthLogin);
  }

  async link(providerSessionUid: string, sessionId: string): Promise<void> {
    await this.logins.upsert({ providerSessionUid, sessionId, created: new Date() }, ['providerSessionUid']);
  }

  async sessionOf(providerSessionUid: string): Promise<string | undefined> {
    return (await this.logins.findOneBy({ providerSessionUid }))?.sessionId;
  }

  async purgeOlderThan(seconds: number): Promise<void> {
    await this.logins.createQueryBuilder().delete().where('created < now() - make_interval(secs => :seconds)', { seconds }).execute();
  }
}
