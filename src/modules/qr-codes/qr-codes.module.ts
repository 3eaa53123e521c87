import { Module, type OnModuleInit } from '@nestjs/common';
import { ContractRegistry } from '../../common/errors/contract-registry.js';
import { AuthModule } from '../auth/auth.module.js';
import { GetUserController, QrController } from './qr-codes.controller.js';
import { QrImagesController } from './qr-images.controller.js';
import { QrCodesRepository } from './qr-codes.repository.js';
import { QrCodesService } from './qr-codes.service.js';

/**
 * Seed 004's short-lived identification codes (`/api/qr`, `/api/getUser`). Public service: QrCodesService
 * (the shift scan identifies users by their code through it).
 */
@Module({
  imports: [AuthModule],
  controllers: [QrController, GetUserController, QrImagesController],
  providers: [QrCodesRepository, QrCodesService],
  exports: [QrCodesService],
})
export class QrCodesModule implements OnModuleInit {
  constructor(private readonly contracts: ContractRegistry) {}

  /** The images' paths are no prefix of a controller: their errors speak seed 004's envelope too. */
  onModuleInit(): void {
    this.contracts.register('/api/qr.svg', 'qr');
    this.contracts.register('/api/qr.png', 'qr');
  }
}
