import { Global, Module } from '@nestjs/common';
import { UnitOfWork } from './unit-of-work.js';

/** The ambient transaction every service and repository shares (see UnitOfWork). */
@Global()
@Module({ providers: [UnitOfWork], exports: [UnitOfWork] })
export class UnitOfWorkModule {}
