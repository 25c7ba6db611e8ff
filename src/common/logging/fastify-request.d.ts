// Fastify's Request class (fastify/lib/request.js, not part of its typed API), used by the early request log
// (request-log.ts) so that its lines get the request object Fastify's serializers would get.
declare module 'fastify/lib/request.js' {
  import type { IncomingMessage } from 'node:http';
  import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

  /** `new (id, params, raw request, query, log, route context)` as Fastify's router calls it. */
  type RequestClass = new (id: string, params: null, raw: IncomingMessage, query: null, log: FastifyBaseLogger, context: undefined) => FastifyRequest;

  /** The base class, with `buildRequest(base, trustProxy)`: the class Fastify makes for an instance (`ip`, `host` and `protocol` from X-Forwarded-* when trusted). */
  const Request: RequestClass & { buildRequest(base: RequestClass, trustProxy: boolean): RequestClass };
  export default Request;
}
