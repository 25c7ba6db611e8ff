import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { createRootLogger } from './logger.js';
import { earlyRequestLog } from './request-log.js';

/**
 * A response that fails after it was answered early: Fastify's log controller writes "request errored" (at error, so
 * also when the level is above info) instead of "request completed". The lines of answers that succeed are compared
 * with Fastify's own in response-cache.spec.ts and catalog-memory.e2e.spec.ts.
 */
describe('earlyRequestLog', () => {
  const raw = { method: 'POST', url: '/graphql', headers: { host: 'x' }, socket: { remoteAddress: '127.0.0.1', remotePort: 4711 } } as unknown as IncomingMessage;

  it.each(['info', 'warn'] as const)('writes "request errored" for a response that fails (level %s)', async (level) => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createRootLogger({ logLevel: level }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const controller = new LogController();
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: controller });
    try {
      const response = Object.assign(new EventEmitter(), { statusCode: 200 }) as unknown as ServerResponse;
      earlyRequestLog(app, controller, false)(raw, response, 'r-err', performance.now());
      response.emit('error', new Error('Verbindung verloren'));
      response.emit('finish');
      expect(lines.map((l) => [l.level, l.msg, l.reqId])).toEqual([
        ...(level === 'info' ? [[30, 'incoming request', 'r-err']] : []),
        [50, 'request errored', 'r-err'],
      ]);
      expect(lines.at(-1)).toMatchObject({ service: 'lotse', res: { statusCode: 200 }, err: { message: 'Verbindung verloren' } });
      expect(typeof lines.at(-1)!.responseTime).toBe('number');
    } finally {
      await app.close();
    }
  });
});
