import { Module } from '@nestjs/common';
import { AttachmentEvents } from './attachment-events.js';
import { ObjectDataController, ObjectFilesController, ObjectGeolocationController } from './attachments.controller.js';
import { GeolocationService } from './geolocation.service.js';
import { DataService } from './data.service.js';
import { AttachmentsRepository } from './attachments.repository.js';
import { FilesService } from './files.service.js';
import { ObjectAccessAdapter } from './object-access.adapter.js';
import { ObjectAccessPort } from './object-access.port.js';

/**
 * Attachments of an object (seed 002 "Файлы объекта", "Данные объекта", "Геолокация объекта", "Адрес
 * объекта"; design/workflow.md section 7). It depends on the objects kernel only through ObjectAccessPort.
 */
@Module({
  controllers: [ObjectFilesController, ObjectDataController, ObjectGeolocationController],
  providers: [
    AttachmentsRepository,
    AttachmentEvents,
    FilesService,
    DataService,
    GeolocationService,
    { provide: ObjectAccessPort, useClass: ObjectAccessAdapter },
  ],
})
export class ObjectAttachmentsModule {}
