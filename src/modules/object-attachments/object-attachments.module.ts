import { Module } from '@nestjs/common';
import { AttachmentEvents } from './attachment-events.js';
import { ObjectsWorkflowModule } from '../objects-workflow/objects-workflow.module.js';
import { AddressLinksService } from './address-links.service.js';
import {
  ObjectAddressController,
  ObjectDataController,
  ObjectFilesController,
  ObjectGeolocationController,
} from './attachments.controller.js';
import { GeolocationService } from './geolocation.service.js';
import { DataService } from './data.service.js';
import { AttachmentsRepository } from './attachments.repository.js';
import { FilesService } from './files.service.js';
import { ObjectAccessAdapter } from './object-access.adapter.js';
import { ObjectAccessPort } from './object-access.port.js';

/**
 * Attachments of an object (seed 002 "Файлы объекта", "Данные объекта", "Геолокация объекта", "Адрес
 * объекта"; design/workflow.md section 7). It depends on the objects kernel through ObjectAccessPort
 * (access) and, for address links, the kernel's public AddressesService (the `address` essence).
 */
@Module({
  imports: [ObjectsWorkflowModule],
  controllers: [ObjectFilesController, ObjectDataController, ObjectGeolocationController, ObjectAddressController],
  providers: [
    AttachmentsRepository,
    AttachmentEvents,
    FilesService,
    DataService,
    GeolocationService,
    AddressLinksService,
    { provide: ObjectAccessPort, useClass: ObjectAccessAdapter },
  ],
})
export class ObjectAttachmentsModule {}
