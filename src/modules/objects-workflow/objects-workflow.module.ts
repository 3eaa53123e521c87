import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CLIENT_REGISTRAR } from '../../common/security/client-registrar.js';
import { AuthModule } from '../auth/auth.module.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { AccessService } from './access.service.js';
import { CalendarService } from './calendar.service.js';
import { ClientService } from './client.service.js';
import { CalendarController, ClientController } from './essence.controllers.js';
import { WorkflowHandlerRegistry } from './workflow-handler.js';
import { WorkflowController } from './workflow.controller.js';
import { WorkflowEngine } from './workflow.engine.js';
import { WorkflowRepository } from './workflow.repository.js';
import { WorkflowService } from './workflow.service.js';

/**
 * Objects and workflow (design/workflow.md): the class tree and its configuration, the action engine with
 * TypeScript event handlers, access masks, and the client and calendar essences.
 */
@Module({
  imports: [AuthModule, EventLogModule, DiscoveryModule],
  controllers: [WorkflowController, ClientController, CalendarController],
  providers: [
    WorkflowRepository,
    AccessService,
    WorkflowHandlerRegistry,
    WorkflowEngine,
    WorkflowService,
    ClientService,
    CalendarService,
    // Sign-up (identity module) creates the client document through it.
    { provide: CLIENT_REGISTRAR, useExisting: ClientService },
  ],
  exports: [WorkflowService, CLIENT_REGISTRAR],
})
export class ObjectsWorkflowModule {}
