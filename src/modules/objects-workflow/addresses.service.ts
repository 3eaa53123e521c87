import { Injectable } from '@nestjs/common';
import { type AddressSetDto, addressEssence } from './essences/address.essence.js';
import { ObjectsService } from './objects.service.js';
import type { RequestContext } from './request-context.js';

/** An address object as another module needs it: its id, its type (the address type) and its one-line text. */
export interface AddressRef {
  id: string;
  typeId: string;
  typeCode: string;
}

const REF_FIELDS = ['id', 'type', 'typecode'];

/**
 * What other modules may do with the `address` essence (object address links, issue 14): create or change an
 * address through the essence's own `set` (its rules, access, methods, events), and find one the actor may read.
 */
@Injectable()
export class AddressesService {
  constructor(private readonly objects: ObjectsService) {}

  /** No `id` creates an address, an `id` changes it (in the caller's unit of work, if any). */
  async save(body: AddressSetDto, ctx: RequestContext): Promise<AddressRef> {
    return refOf(await this.objects.set(addressEssence, body, ctx));
  }

  /** An address the actor may read; 404 when there is none (or it is not an address, or is hidden). */
  async find(id: string, ctx: RequestContext): Promise<AddressRef> {
    return refOf(await this.objects.get(addressEssence, id, REF_FIELDS, ctx));
  }
}

const refOf = (row: Record<string, unknown>): AddressRef => ({
  id: String(row.id),
  typeId: String(row.type),
  typeCode: String(row.typecode),
});
