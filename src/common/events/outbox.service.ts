import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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
    const eventId = randomUUID();
    await manager.query(`INSERT INTO outbox (event_id, type, payload) VALUES ($1, $2, $3)`, [eventId, type, JSON.stringify(payload)]);
    // Delivered from this instance right after the commit, without waiting for the next poll (inside a unit of
    // work; outside one the hook runs at once, finds the row not yet committed, and the poll delivers it).
    this.uow.afterCommit(() => this.dispatcher.wake());
    return eventId;
  }
}
