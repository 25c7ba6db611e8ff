import { Module, type DynamicModule } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { ormConfig, type DatabaseSettings, type OrmHooks } from './orm-config.js';

/**
 * MikroORM on PostgreSQL. The request context is opened by a Fastify hook (see `app.factory.ts`),
 * because Nest middleware on Fastify runs before the body is parsed and would lose it.
 */
@Module({})
export class DatabaseModule {
  static forRoot(url: string, settings: DatabaseSettings, hooks: OrmHooks = {}): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [MikroOrmModule.forRoot({ ...ormConfig(url, settings, hooks), registerRequestContext: false })],
    };
  }
}
