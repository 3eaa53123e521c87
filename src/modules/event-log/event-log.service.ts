import { Injectable } from '@nestjs/common';
import type { StatementPart } from '../../common/database/statement-parts.js';
import { EventLogRepository, type EventLogWrite, insertPart } from './event-log.repository.js';

export type { EventLogWrite } from './event-log.repository.js';

/** Writes to the shared event log, inside the caller's unit of work when one is open. */
@Injectable()
export class EventLogService {
  constructor(private readonly repo: EventLogRepository) {}

  async write(entry: EventLogWrite): Promise<void> {
    await this.repo.insert(entry);
  }

  /** The same write as a part of the caller's combined statement (one round trip for an action's writes). */
  writePart(entry: EventLogWrite): StatementPart {
    return insertPart(entry);
  }
}
