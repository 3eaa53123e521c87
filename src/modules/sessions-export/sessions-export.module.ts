import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ObjectsWorkflowModule } from '../objects-workflow/objects-workflow.module.js';
import { QrCodesModule } from '../qr-codes/qr-codes.module.js';
import { CompanySessionsController, ShiftController } from './shift-sessions.controller.js';
import { ShiftSessionsRepository } from './shift-sessions.repository.js';
import { ShiftSessionsService } from './shift-sessions.service.js';

/**
 * Work shifts and seed 000's export. Uses identity (AccountsService: the person), the offices (OfficesService of
 * the objects module) and the QR codes (QrCodesService: who a scanned code stands for).
 */
@Module({
  imports: [AuthModule, ObjectsWorkflowModule, QrCodesModule],
  controllers: [ShiftController, CompanySessionsController],
  providers: [ShiftSessionsRepository, ShiftSessionsService],
})
export class SessionsExportModule {}
