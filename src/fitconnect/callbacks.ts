import type { FastifyInstance } from 'fastify';
import type { FitConnectService } from './fit-connect.service.js';

const LIMIT = 64 * 1024;

/**
 * POST /callbacks/fit-connect/{destinationConfigId}: the Zustelldienst says something happened. Checked on the raw
 * body (callback-timestamp, callback-authentication = hex HMAC-SHA-512 of "timestamp.body"); anything that does not
 * verify, and an unknown destination, gets 401 and changes nothing. A valid one makes Lotse fetch the event log.
 */
export function fitConnectCallbacks(service: FitConnectService) {
  return async (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LIMIT }, (_req, body, done) => done(null, body));
    app.post<{ Params: { id: string } }>('/callbacks/fit-connect/:id', { bodyLimit: LIMIT }, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const destination = await service.destination(request.params.id);
      const header = (name: string) => {
        const v = request.headers[name];
        return Array.isArray(v) ? undefined : v;
      };
      if (!destination || !service.verifyCallback(destination, header('callback-timestamp'), header('callback-authentication'), raw)) {
        return reply.code(401).send({ error: { code: 'UNAUTHENTICATED', message: 'Callback nicht authentisch.' } });
      }
      let body: unknown = undefined;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        // the body is only a hint which deliveries to look at
      }
      try {
        const applied = await service.onCallback(destination, body);
        return reply.code(200).send({ applied });
      } catch (error) {
        request.log.warn({ msg: 'FIT-Connect event log not fetched', err: (error as Error).message });
        return reply.code(503).send({ error: { code: 'SERVICE_UNAVAILABLE', message: 'Ereignisse konnten nicht abgerufen werden.' } });
      }
    });
  };
}
