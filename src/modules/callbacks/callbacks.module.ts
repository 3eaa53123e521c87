import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CallbackKeyGuard } from './callback-key.guard.js';
import { CallbacksController } from './callbacks.controller.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';
import { PinSignInController } from './pin-sign-in.controller.js';
import { PortalPersonsRepository } from './portal-persons.repository.js';
import { PortalPersonsService } from './portal-persons.service.js';
import { PortalSessionsService } from './portal-sessions.service.js';

/**
 * Seed 001: the intranet portal's callbacks (PIN update, push events, a person's sessions) in the portal's own
 * envelope, the PIN sign-in, and the users' notifications. Identity is reached only through AuthModule's public
 * services (AccountsService, SignInService).
 */
@Module({
  imports: [AuthModule],
  controllers: [CallbacksController, PinSignInController, NotificationsController],
  providers: [
    CallbackKeyGuard,
    PortalPersonsRepository,
    PortalPersonsService,
    NotificationsRepository,
    NotificationsService,
    PortalSessionsService,
  ],
})
export class CallbacksModule {}
