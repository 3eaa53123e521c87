import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DomainEventCatalogue, DomainEventType } from './domain-events.js';

/** Records domain events in the transaction of the work that raises them: a rollback takes them back too. */
@Injectable()
export class OutboxService {
  async record<T extends DomainEventType>(manager: EntityManager, type: T, payload: DomainEventCatalogue[T]): Promise<string> {
    const eventId = randomUUID();
    await manager.query(`INSERT INTO outbox (event_id, type, payload) VALUES ($1, $2, $3)`, [eventId, type, JSON.stringify(payload)]);
    return eventId;
  }
}
