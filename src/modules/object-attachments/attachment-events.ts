import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import type { DomainEventCatalogue } from '../../common/events/domain-events.js';
import { OutboxService } from '../../common/events/outbox.service.js';
import { EventLogService } from '../event-log/event-log.service.js';
import type { AttachmentContext } from './object-access.port.js';

/** Event log code of attachment changes. */
export const ATTACHMENT_LOG_CODE = 3010;

export type AttachmentEventType = 'ObjectFileChanged' | 'ObjectDataChanged' | 'ObjectGeolocationAdded' | 'ObjectAddressLinked';

/**
 * Every attachment change goes to the event log and the outbox in the transaction of the change (the caller's
 * unit of work): a rolled-back change leaves neither.
 */
@Injectable()
export class AttachmentEvents {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly log: EventLogService,
    private readonly outbox: OutboxService,
  ) {}

  async record<T extends AttachmentEventType>(
    ctx: AttachmentContext,
    type: T,
    payload: DomainEventCatalogue[T],
    text: string,
  ): Promise<void> {
    if (!this.uow.inTransaction) throw new Error('attachment events are recorded inside the unit of work of the change');
    const m = this.uow.manager;
    await this.log.write({
      type: 'M',
      code: ATTACHMENT_LOG_CODE,
      category: 'object',
      text,
      userId: ctx.actor.userId,
      session: ctx.actor.session,
      objectId: payload.object,
    });
    await this.outbox.record(m, type, payload);
  }
}
