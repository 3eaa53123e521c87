import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { OutboxDispatcher } from './outbox.dispatcher.js';
import { OutboxService } from './outbox.service.js';

/** Domain events after commit: the outbox (written in the caller's transaction) and its dispatcher. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [OutboxService, OutboxDispatcher],
  exports: [OutboxService, OutboxDispatcher],
})
export class EventsModule {}
