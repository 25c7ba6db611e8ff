import 'reflect-metadata';
import './timezone.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { closeApp, createApp, drainOf } from './app.factory.js';
import { createRootLogger } from './common/logging/logger.js';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { prepareDatabase, type DatabaseHandle } from './database/database-bootstrap.js';
import { QueueService } from './delivery/queue.service.js';

/** What has been started so far; the shutdown stops exactly that. */
interface Running {
  config: AppConfig;
  logger: Logger;
  database?: DatabaseHandle;
  app?: NestFastifyApplication;
  /** Settles when the start-up has finished or failed (a signal during start-up waits for it, then stops). */
  started: Promise<unknown>;
}

let running: Running | undefined;
let stopping: Promise<void> | undefined;

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createRootLogger(config);
  const state: Running = { config, logger, started: Promise.resolve() };
  running = state;
  const start = async () => {
    state.database = await prepareDatabase(config, logger);
    if (stopping) return; // a signal came during start-up: do not listen
    state.app = await createApp({ config, databaseUrl: state.database.url, logger });
    if (stopping) return;
    await state.app.listen({ port: config.port, host: config.host });
    const address = state.app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(
      { port, host: config.host, database: state.database.embedded ? 'embedded' : 'external' },
      `Lotse listening on http://${config.host}:${port}/graphql`,
    );
  };
  const started = start();
  state.started = started.catch(() => undefined);
  try {
    await started;
  } catch (error) {
    // nothing half-started stays behind: the application and the embedded cluster are stopped
    await state.app?.close().catch(() => undefined);
    await state.database?.embedded?.stop({ timeoutSeconds: 5 }).catch(() => undefined);
    throw error;
  }
}

/**
 * SIGTERM/SIGINT: drain HTTP, stop the queue, close the ORM, stop the embedded PostgreSQL, exit 0. Past
 * SHUTDOWN_TIMEOUT_MS: log what is still open, stop the embedded PostgreSQL anyway, exit 1. A second signal changes
 * nothing (it neither skips the deadline nor leaves PostgreSQL running).
 */
function shutdown(signal: string): void {
  const state = running;
  if (!state) process.exit(0); // before the configuration was read: nothing to stop
  if (stopping) {
    state.logger.warn({ signal }, 'already shutting down; waiting for the drain (SHUTDOWN_TIMEOUT_MS)');
    return;
  }
  const { logger, config } = state;
  logger.info({ signal }, 'shutting down');
  const deadline = setTimeout(() => {
    const open = state.app ? drainOf(state.app)?.open() : undefined;
    const jobs = state.app ? safeGet(state.app, QueueService)?.activeJobs() : undefined;
    logger.error({ open, jobs, timeoutMs: config.shutdownTimeoutMs }, 'graceful shutdown missed its deadline; exiting with 1');
    void (state.database?.embedded?.stop({ timeoutSeconds: 3 }) ?? Promise.resolve())
      .catch(() => undefined)
      .finally(() => {
        logger.flush();
        process.exit(1);
      });
  }, config.shutdownTimeoutMs);
  deadline.unref();
  stopping = (async () => {
    let code = 0;
    await state.started;
    try {
      if (state.app) await closeApp(state.app);
    } catch (error) {
      code = 1;
      logger.error({ err: error }, 'error while closing the application');
    }
    try {
      await state.database?.embedded?.stop();
    } catch (error) {
      code = 1;
      logger.error({ err: error }, 'error while stopping the embedded PostgreSQL');
    }
    clearTimeout(deadline);
    logger.info({ exitCode: code }, 'stopped');
    logger.flush();
    process.exit(code);
  })();
}

function safeGet<T>(app: NestFastifyApplication, type: new (...args: never[]) => T): T | undefined {
  try {
    return app.get(type as never, { strict: false }) as T;
  } catch {
    return undefined;
  }
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

bootstrap().catch((error: unknown) => {
  console.error('Lotse konnte nicht starten:', error instanceof Error ? error.message : error);
  process.exit(1);
});
