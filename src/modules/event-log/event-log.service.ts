import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { EventLogEntry, type EventLogType } from './event-log.entity.js';

export interface EventLogWrite {
  type: EventLogType;
  code: number;
  category: string;
  text: string;
  userId?: string | null;
  session?: string | null;
  objectId?: string | null;
}

/** Writes to the shared event log; pass the caller's EntityManager to write inside its transaction. */
@Injectable()
export class EventLogService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async write(entry: EventLogWrite, manager: EntityManager = this.ds.manager): Promise<void> {
    await manager.insert(EventLogEntry, {
      type: entry.type,
      code: entry.code,
      category: entry.category,
      text: entry.text.slice(0, 2000),
      userId: entry.userId ?? null,
      session: entry.session ?? null,
      objectId: entry.objectId ?? null,
    });
  }
}
