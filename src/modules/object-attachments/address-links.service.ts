import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { parseListQuery } from '../../common/list-query/list-query.parser.js';
import { numbersIn, projectFields } from '../../common/list-query/result-rows.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { type AddressRef, AddressesService } from '../objects-workflow/addresses.service.js';
import { ADDRESS_PARTS, type AddressSetDto } from '../objects-workflow/essences/address.essence.js';
import type { RequestContext } from '../objects-workflow/request-context.js';
import { AttachmentEvents } from './attachment-events.js';
import { ADDRESS_LINK_COLUMNS, AttachmentsRepository } from './attachments.repository.js';
import { ObjectAccessPort } from './object-access.port.js';

const LINK_NUMBERS = ['id', 'object', 'address', 'type'];
const FIELDS = Object.keys(ADDRESS_LINK_COLUMNS);

/**
 * Seed 002 "Адрес объекта": an object's address links, a temporal history per address type (like states).
 * Linking from a date closes the link of that type in force then; get answers the links in force as of the
 * session's oper_date (or now). Address objects themselves are created and changed by the `address` essence
 * (AddressesService: its rules and access); reading an object's links needs the object's select right, linking
 * its update right.
 */
@Injectable()
export class AddressLinksService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: AttachmentsRepository,
    private readonly access: ObjectAccessPort,
    private readonly addresses: AddressesService,
    private readonly events: AttachmentEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** object/address: `addresses` absent or null reads; otherwise saves each address and links it. */
  address(id: string, addresses: AddressSetDto[] | null | undefined, ctx: RequestContext) {
    if (addresses === undefined || addresses === null) return this.get(id, undefined, ctx);
    addresses.forEach((a, i) => {
      // Seed: `code` is required when no other key is given; a new address needs something to say.
      if (!a.id && a.code === undefined && a.address == null && !ADDRESS_PARTS.some((p) => a[p] != null))
        throw invalidField(`addresses.${i}`, 'a new address needs its code, its parts or its full address');
    });
    return this.uow.run(async () => {
      await this.access.require(id, ctx.actor, 'u');
      for (const a of addresses) await this.link(id, await this.addresses.save(a, ctx), ctx.operDate, ctx);
      return this.inForce(id, ctx);
    });
  }

  /** object/address/set: links existing addresses from `datefrom` (default the oper_date, or now). */
  set(id: string, addressIds: string[], datefrom: Date | undefined, ctx: RequestContext) {
    return this.uow.run(async () => {
      await this.access.require(id, ctx.actor, 'u');
      for (const addressId of addressIds) await this.link(id, await this.addresses.find(addressId, ctx), datefrom ?? ctx.operDate, ctx);
      return this.inForce(id, ctx);
    });
  }

  async get(id: string, fields: string[] | undefined, ctx: RequestContext) {
    if (fields?.length) projectFields([], fields, FIELDS);
    await this.access.require(id, ctx.actor, 's');
    return projectFields(await this.inForce(id, ctx), fields, FIELDS);
  }

  async list(body: unknown, ctx: RequestContext) {
    const q = parseListQuery(body, ADDRESS_LINK_COLUMNS, this.config.list, { orderBy: ['object', 'type', 'datefrom', 'id'] });
    const access = await this.access.visibleFilter(ctx.actor, 1);
    const rows = await this.repo.list(`object_address l JOIN object o ON o.id = l.object_id`, ADDRESS_LINK_COLUMNS, q, access);
    return rows.map((r) => numbersIn(r, LINK_NUMBERS));
  }

  private async inForce(id: string, ctx: RequestContext) {
    return (await this.repo.addressLinks(id, ctx.operDate)).map((r) => numbersIn(r, LINK_NUMBERS));
  }

  private async link(id: string, address: AddressRef, from: Date | null, ctx: RequestContext): Promise<void> {
    const row = await this.repo.linkAddress(id, address.id, address.typeId, from);
    if (!row) return;
    await this.events.record(
      ctx,
      'ObjectAddressLinked',
      {
        object: id,
        address: address.id,
        addressType: address.typeCode,
        validFrom: (row.datefrom as Date).toISOString(),
        actor: ctx.actor.userId,
      },
      `address linked: object ${id}, ${address.typeCode} ${address.id}`,
    );
  }
}
