import { Global, Module } from '@nestjs/common';
import { APP_FILTER, DiscoveryModule } from '@nestjs/core';
import { ContractRegistry } from './contract-registry.js';
import { ErrorFilter } from './error.filter.js';

/** The error mechanism: the contract registry (exported, for non-Nest mounts) and the global filter. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [ContractRegistry, { provide: APP_FILTER, useClass: ErrorFilter }],
  exports: [ContractRegistry],
})
export class ErrorsModule {}
