import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { FormsModule } from './forms/forms.module.js';
import { SubmissionsModule } from './submissions/submissions.module.js';
import { ProcessingModule } from './processing/processing.module.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { XoevModule } from './xoev/xoev.module.js';
import { FitConnectModule } from './fitconnect/fit-connect.module.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { InteropModule } from './interop/interop.module.js';
import { ArchiveModule } from './archive/archive.module.js';
import { AccountModule } from './account/account.module.js';
import { AccessGuard } from './common/auth/access.guard.js';
import { HttpExceptionFilter } from './common/http/http-exception.filter.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.js';
import { DatabaseModule } from './database/database.module.js';
import type { OrmHooks } from './database/orm-config.js';
import { LotseGraphQLModule } from './graphql/graphql.module.js';
import { HealthModule } from './health/health.module.js';
import { SystemModule } from './system/system.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string, ormHooks: OrmHooks = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        AuthModule,
        DatabaseModule.forRoot(databaseUrl, config, ormHooks),
        LotseGraphQLModule,
        HealthModule,
        SystemModule,
        CatalogModule,
        FormsModule,
        SubmissionsModule,
        ProcessingModule,
        DeliveryModule,
        XoevModule,
        FitConnectModule,
        AttachmentsModule,
        InteropModule,
        ArchiveModule,
        AccountModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
