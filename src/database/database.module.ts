import { Module, type DynamicModule } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { ormConfig, type DatabaseSettings, type OrmHooks } from './orm-config.js';

/**
 * MikroORM on PostgreSQL. The request context is opened by a Fastify hook (see `app.factory.ts`),
 * because Nest middleware on Fastify runs before the body is parsed and would lose it.
 */
/** Injection token of the database URL (for components with their own connections, e.g. the job queue). */
export const DATABASE_URL = Symbol('DATABASE_URL');

@Module({})
export class DatabaseModule {
  static forRoot(url: string, settings: DatabaseSettings, hooks: OrmHooks = {}): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [MikroOrmModule.forRoot({ ...ormConfig(url, settings, hooks), registerRequestContext: false })],
      providers: [{ provide: DATABASE_URL, useValue: url }],
      exports: [DATABASE_URL],
    };
  }
}
