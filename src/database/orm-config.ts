import { join } from 'node:path';
import { defineConfig, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { projectRoot, runningFromSources } from '../common/project-root.js';
import type { AppConfig } from '../config/config.js';
import { ENTITIES } from './entities.js';
import type pg from 'pg';
import { loopAwareCheckout } from './loop-aware-timeout.js';
import { PreparingClient } from './prepared-statements.js';

/** DB_POOL_MIN's default, also for callers that give no minimum (CLIs, tests). */
export const DEFAULT_POOL_MIN = 2;

export type DatabaseSettings = Pick<AppConfig, 'dbPoolMax' | 'dbConnectTimeoutMs' | 'dbStatementTimeoutMs'> & Partial<Pick<AppConfig, 'dbPoolMin'>>;

/** The ORM configuration shared by the service, the migration CLI and the tests. */
export interface OrmHooks {
  /** Sees every SQL statement before it runs (tests count statements with it). */
  onQuery?: (sql: string) => void;
}

export function ormConfig(url: string, settings: DatabaseSettings, hooks: OrmHooks = {}): Options {
  const root = projectRoot();
  return defineConfig({
    driver: PostgreSqlDriver,
    clientUrl: url,
    entities: ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    // Under Jest the sources are TypeScript; the built service runs the compiled migrations.
    preferTs: runningFromSources(),
    forceUtcTimezone: true,
    allowGlobalContext: false,
    ensureDatabase: false,
    debug: false,
    ...(hooks.onQuery
      ? {
          onQuery: (sql: string) => {
            hooks.onQuery?.(sql);
            return sql;
          },
        }
      : {}),
    // stored functions are written by hand in migrations (lotse_reference_number); the schema diff leaves them alone
    schemaGenerator: { ignoreRoutines: true },
    // connections idle for 30 s are closed down to DB_POOL_MIN (opened on demand, then kept): opening one takes
    // several round trips (see README, Connection pool)
    pool: { min: Math.min(settings.dbPoolMin ?? DEFAULT_POOL_MIN, settings.dbPoolMax), max: settings.dbPoolMax, idleTimeoutMillis: 30_000 },
    driverOptions: {
      // sends the hot paths' statements as prepared statements (see prepared-statements.ts)
      Client: PreparingClient,
      // fail fast while the database is unreachable instead of queueing requests forever: a checkout and a new
      // connection's attempt each within DB_CONNECT_TIMEOUT_MS, counted loop-aware (loop-aware-timeout.ts); pg's and
      // pg-pool's own timers (which count a stalled event loop) stay off
      connectionTimeoutMillis: 0,
      loopAwareConnectTimeoutMillis: settings.dbConnectTimeoutMs,
      onPoolCreated: (pool: pg.Pool) => loopAwareCheckout(pool, settings.dbConnectTimeoutMs),
      statement_timeout: settings.dbStatementTimeoutMs,
      application_name: 'lotse',
      keepAlive: true,
    },
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: join(root, 'dist', 'src', 'database', 'migrations'),
      pathTs: join(root, 'src', 'database', 'migrations'),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: true,
      snapshotName: '.snapshot-lotse',
      emit: 'ts',
      silent: true,
      fileName: (timestamp: string, name?: string) => `Migration${timestamp}${name ? '_' + name : ''}`,
    },
  });
}
