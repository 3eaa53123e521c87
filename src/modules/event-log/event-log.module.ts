import { Global, Module } from '@nestjs/common';
import { EventLogController } from './event-log.controller.js';
import { EventLogRepository } from './event-log.repository.js';
import { EventLogService } from './event-log.service.js';

/** The event log, shared by every module (auth now, objects and workflow later). */
@Global()
@Module({ controllers: [EventLogController], providers: [EventLogRepository, EventLogService], exports: [EventLogService] })
export class EventLogModule {}
