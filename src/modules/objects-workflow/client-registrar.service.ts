import { Injectable } from '@nestjs/common';
import { prepared } from '../../common/database/prepared-statements.js';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { ClientAccount, ClientCard, ClientRegistrar } from '../../common/security/client-registrar.js';
import { clientEssence, type ClientSetDto } from './essences/client.essence.js';
import { ObjectsService } from './objects.service.js';
import type { Actor } from './workflow-handler.js';

/** The client document of a user account (whoami shows its id, email and phone). */
const CLIENT_CARD = prepared(`SELECT id, email, phone FROM client WHERE user_id = $1`);

/** The client of a signed-up account (ClientRegistrar, called by /api/v1/sign/up in its transaction), and whoami's card. */
@Injectable()
export class ClientRegistrarService implements ClientRegistrar {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly objects: ObjectsService,
  ) {}

  /**
   * The new account's client: code = login, owned by the account, in the account's area. Sign-up is
   * authorized by its route (administrators, or a client with the signup scope), so masks do not apply.
   */
  async registerClient(account: ClientAccount): Promise<string> {
    const m = this.uow.manager; // the sign-up's transaction
    const [taken] = await m.query<unknown[]>(`SELECT 1 FROM client WHERE code = $1`, [account.username]);
    if (taken)
      throw new DomainError('BAD_REQUEST', {
        ru: `Клиент с кодом "${account.username}" уже существует.`,
        en: `A client with code "${account.username}" already exists.`,
      });
    const [user] = await m.query<{ areaId: string }[]>(`SELECT area_id AS "areaId" FROM app_user WHERE id = $1`, [account.userId]);
    const system: Actor = { userId: account.userId, session: null, admin: true, accountCreator: true, areaId: user.areaId, operDate: null };
    const body: ClientSetDto = {
      code: account.username,
      type: account.type,
      name: account.name,
      phone: account.phone,
      email: account.email,
      info: account.info,
      description: account.description,
    };
    return this.objects.create(clientEssence, body, system, { user_id: account.userId });
  }

  /** whoami's client: the document bound to the account, with its e-mail and phone directories. */
  async clientOfUser(userId: string): Promise<ClientCard | undefined> {
    const [row] = await this.uow.manager.query<ClientCard[]>(CLIENT_CARD, [userId]);
    return row;
  }
}
