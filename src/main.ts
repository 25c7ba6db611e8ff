import 'reflect-metadata';
import './timezone.js';
import { createApp } from './app.factory.js';
import { createRootLogger } from './common/logging/logger.js';
import { ConfigError, loadConfig } from './config/config.js';
import { prepareDatabase } from './database/database-bootstrap.js';

async function bootstrap(): Promise<void> {
  let config;
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
  const database = await prepareDatabase(config, logger);
  let app;
  try {
    app = await createApp({ config, databaseUrl: database.url, logger });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await database.embedded?.stop();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { port, host: config.host, database: database.embedded ? 'embedded' : 'external' },
    `Lotse listening on http://${config.host}:${port}/graphql`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('graceful shutdown took too long; exiting');
      void database.embedded?.stop();
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    let code = 0;
    try {
      await app.close(); // stop accepting, finish in-flight requests, close the pool
    } catch (error) {
      code = 1;
      logger.error({ err: error }, 'error while closing the application');
    }
    await database.embedded?.stop();
    clearTimeout(deadline);
    logger.info('stopped');
    logger.flush();
    process.exitCode = code;
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  console.error('Lotse konnte nicht starten:', error instanceof Error ? error.message : error);
  process.exit(1);
});
