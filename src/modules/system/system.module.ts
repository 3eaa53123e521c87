import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { SystemController } from './system.controller.js';

/** Connection test, server time and health probes. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })],
  controllers: [SystemController, HealthController],
})
export class SystemModule {}
