import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { parseTimestamp } from '../../common/validation/dates.js';
import { AccountsService } from '../auth/accounts.service.js';
import type { PinUpdateDto } from './callbacks.dto.js';
import { normalizePin } from './callbacks.rules.js';
import { PortalPersonsRepository } from './portal-persons.repository.js';

export const USER_NOT_FOUND = 'User not found.';

/**
 * The portal's persons and their accounts. pin/update finds the person by `id_phperson`, or (its first call,
 * at the person's registration on the portal) links it to the user with the e-mail `ad_login`, or creates that
 * user (login and e-mail `ad_login`, no usable password); then keeps `tab_no` and `ad_login` as the person's
 * logins and sets the PIN through identity's public service. The same call again changes nothing that matters.
 */
@Injectable()
export class PortalPersonsService {
  constructor(
    private readonly persons: PortalPersonsRepository,
    private readonly accounts: AccountsService,
    private readonly uow: UnitOfWork,
  ) {}

  async updatePin(dto: PinUpdateDto): Promise<void> {
    const idPhperson = dto.id_phperson.trim();
    const tabNo = dto.tab_no.trim();
    const adLogin = dto.ad_login.trim();
    const pin = normalizePin(dto.pin_code)!;
    const pinCreated = parseTimestamp(dto.created_at)!;
    await this.uow.run(async () => {
      await this.persons.lock(idPhperson);
      const person = await this.persons.findByPortalId(idPhperson);
      const userId = person?.userId ?? (await this.accounts.userIdByEmail(adLogin));
      const taken = await this.persons.others(idPhperson, { tabNo, adLogin, userId });
      if (taken.length > 0) {
        const clash = taken[0];
        const what = clash.tabNo === tabNo ? `tab_no ${tabNo}` : `ad_login ${adLogin}`;
        throw new DomainError('CONFLICT', `The ${what} belongs to another person (${clash.idPhperson}).`);
      }
      if (person) {
        await this.persons.update(person.id, { tabNo, adLogin, pinCreated });
        await this.accounts.setPin(person.userId, pin);
        return;
      }
      const linked = userId ?? (await this.accounts.createAccount({ username: adLogin, type: 'physical', email: adLogin }));
      await this.persons.insert({ idPhperson, userId: linked, tabNo, adLogin, pinCreated });
      await this.accounts.setPin(linked, pin);
    });
  }

  /** The user a PIN sign-in names by tab_no or e-mail (undefined: nobody; the sign-in then fails as usual). */
  userForSignIn(login: { tabNo?: string; email?: string }): Promise<string | undefined> {
    if (login.tabNo !== undefined) return this.persons.userIdByLogin('tab_no', login.tabNo.trim());
    return this.persons.userIdByLogin('ad_login', (login.email ?? '').trim());
  }

  /** The user of a portal person; USER_NOT_FOUND (404) when the portal id is unknown. */
  async requireUser(idPhperson: string): Promise<string> {
    const person = await this.persons.findByPortalId(idPhperson);
    if (!person) throw new DomainError('NOT_FOUND', USER_NOT_FOUND);
    return person.userId;
  }
}
