import { OfficesRepository } from './offices.repository.js';
import { OfficesService } from './offices.service.js';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CLIENT_REGISTRAR } from '../../common/security/client-registrar.js';
import { AuthModule } from '../auth/auth.module.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { AccessService } from './access.service.js';
import { AddressModule } from '../address/address.module.js';
import { AddressController } from './address.controller.js';
import { AddressesService } from './addresses.service.js';
import { ClientRegistrarService } from './client-registrar.service.js';
import { essenceController } from './essence.controller.js';
import { EssenceRepository } from './essence.repository.js';
import { ESSENCES } from './essences/index.js';
import { ObjectsService } from './objects.service.js';
import { WorkflowHandlerRegistry } from './workflow-handler.js';
import { WorkflowController } from './workflow.controller.js';
import { WorkflowEngine } from './workflow.engine.js';
import { WorkflowRepository } from './workflow.repository.js';
import { WorkflowService } from './workflow.service.js';

/**
 * Objects and workflow (design/workflow.md): the class tree and its configuration, the action engine with
 * TypeScript event handlers, access masks, and the essences (essences/*.essence.ts: client, calendar, address),
 * each served by the one objects service and the controller factory.
 */
@Module({
  imports: [AuthModule, EventLogModule, DiscoveryModule, AddressModule],
  // One controller per essence definition (the factory), then the essences' own extra routes.
  controllers: [WorkflowController, ...ESSENCES.map(essenceController), AddressController],
  providers: [
    OfficesService,
    OfficesRepository,
    WorkflowRepository,
    AccessService,
    WorkflowHandlerRegistry,
    WorkflowEngine,
    WorkflowService,
    EssenceRepository,
    ObjectsService,
    AddressesService,
    ClientRegistrarService,
    // Sign-up (identity module) creates the client document through it.
    { provide: CLIENT_REGISTRAR, useExisting: ClientRegistrarService },
  ],
  exports: [WorkflowService, CLIENT_REGISTRAR, OfficesService, AddressesService],
})
export class ObjectsWorkflowModule {}
