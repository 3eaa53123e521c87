import { Injectable } from '@nestjs/common';
import { EventLogRepository, type EventLogWrite } from './event-log.repository.js';

export type { EventLogWrite } from './event-log.repository.js';

/** Writes to the shared event log, inside the caller's unit of work when one is open. */
@Injectable()
export class EventLogService {
  constructor(private readonly repo: EventLogRepository) {}

  async write(entry: EventLogWrite): Promise<void> {
    await this.repo.insert(entry);
  }
}
