import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { UnitOfWorkModule } from './common/database/unit-of-work.module.js';
import { BrowserSessionsModule } from './common/security/browser-session.js';
import { ErrorsModule } from './common/errors/errors.module.js';
import { loggerParams } from './common/http/logging.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { dataSourceOptions } from './database/data-source.js';
import { AddressModule } from './modules/address/address.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { CallbacksModule } from './modules/callbacks/callbacks.module.js';
import { EventLogModule } from './modules/event-log/event-log.module.js';
import { OidcModule } from './modules/oidc/oidc.module.js';
import { ObjectAttachmentsModule } from './modules/object-attachments/object-attachments.module.js';
import { ObjectsWorkflowModule } from './modules/objects-workflow/objects-workflow.module.js';
import { EventsModule } from './common/events/events.module.js';
import { QrCodesModule } from './modules/qr-codes/qr-codes.module.js';
import { SessionsExportModule } from './modules/sessions-export/sessions-export.module.js';
import { SystemModule } from './modules/system/system.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** The database actually used (DATABASE_URL or the embedded default). */
  databaseUrl: string;
  /** Extra modules (tests register handlers or probe controllers this way). */
  imports?: (Type | DynamicModule)[];
  /** Where logs go (default stdout); tests read what the service logs. */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static register({ config, databaseUrl, imports = [], logDestination }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        LoggerModule.forRoot(loggerParams(config.log.level, logDestination)),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(databaseUrl, config.database.poolSize, config.database.connectTimeoutMs),
          // Migrations run before the app is built, under the startup lock (src/database/startup.ts).
          migrationsRun: false,
          retryAttempts: 2,
          retryDelay: 500,
        }),
        UnitOfWorkModule,
        ErrorsModule,
        BrowserSessionsModule,
        SystemModule,
        EventLogModule,
        AuthModule,
        EventsModule,
        OidcModule,
        ObjectsWorkflowModule,
        ObjectAttachmentsModule,
        AddressModule,
        QrCodesModule,
        SessionsExportModule,
        CallbacksModule,
        ...imports,
      ],
    };
  }
}
