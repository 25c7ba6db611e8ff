import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LoggerService } from '@nestjs/common';
import type { AppConfig } from '../../config/config.js';

/**
 * One pino instance for the whole process: Fastify's request logs and Nest's own logs share it. Written to standard
 * output, or to `destination` (tests read the lines there).
 */
export function createRootLogger(config: Pick<AppConfig, 'logLevel'>, destination?: DestinationStream): PinoLogger {
  const options = {
    level: config.logLevel,
    base: { service: 'lotse' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** Adapts pino to Nest's LoggerService so framework messages are structured JSON too. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: PinoLogger) {}

  log(message: unknown, context?: string) {
    this.write('info', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string) {
    const ctx = context ?? stackOrContext;
    const stack = context ? stackOrContext : undefined;
    if (message instanceof Error) this.logger.error({ context: ctx, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger.error({ context: ctx, stack, ...message });
    else this.logger.error({ context: ctx, stack }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.write('trace', message, context);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace', message: unknown, context?: string) {
    if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...message });
    else this.logger[level]({ context }, String(message));
  }
}
