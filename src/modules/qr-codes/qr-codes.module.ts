import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { GetUserController, QrController } from './qr-codes.controller.js';
import { QrCodesRepository } from './qr-codes.repository.js';
import { QrCodesService } from './qr-codes.service.js';

/**
 * Seed 004's short-lived identification codes (`/api/qr`, `/api/getUser`). Public service: QrCodesService
 * (the shift scan identifies users by their code through it).
 */
@Module({
  imports: [AuthModule],
  controllers: [QrController, GetUserController],
  providers: [QrCodesRepository, QrCodesService],
  exports: [QrCodesService],
})
export class QrCodesModule {}
