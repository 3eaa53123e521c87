import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { prepared } from '../database/prepared-statements.js';
import { type StatementPart, StatementParams } from '../database/statement-parts.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import type { DomainEventCatalogue, DomainEventType } from './domain-events.js';
import { OutboxDispatcher } from './outbox.dispatcher.js';

/** Records domain events in the transaction of the work that raises them: a rollback takes them back too. */
@Injectable()
export class OutboxService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  async record<T extends DomainEventType>(manager: EntityManager, type: T, payload: DomainEventCatalogue[T]): Promise<string> {
    const params = new StatementParams();
    const part = this.recordPart(type, payload);
    await manager.query(prepared(part(params)), params.values);
    return part.eventId;
  }

  /**
   * The same record as a part of the caller's combined statement, which the caller runs in the current unit of
   * work (the workflow engine writes an action's transition, log entry and outbox row in one round trip).
   */
  recordPart<T extends DomainEventType>(type: T, payload: DomainEventCatalogue[T]): StatementPart & { eventId: string } {
    const eventId = randomUUID();
    // Delivered from this instance right after the commit, without waiting for the next poll (inside a unit of
    // work; outside one the hook runs at once, finds the row not yet committed, and the poll delivers it).
    this.uow.afterCommit(() => this.dispatcher.wake());
    const part = (p: StatementParams) =>
      `INSERT INTO outbox (event_id, type, payload) VALUES (${p.add(eventId, 'uuid')}, ${p.add(type, 'varchar')}, ${p.add(JSON.stringify(payload), 'jsonb')})`;
    return Object.assign(part, { eventId });
  }
}
