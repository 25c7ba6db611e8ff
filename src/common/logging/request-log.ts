import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, LogController } from 'fastify';
import Request from 'fastify/lib/request.js';

/**
 * Writes, for a request answered before Fastify saw it, the request log Fastify writes for each request it answers:
 * called with the request id sent as `x-request-id` and the time (`performance.now()`) the request was taken up, just
 * before the answer is written.
 */
export type EarlyRequestLog = (request: IncomingMessage, response: ServerResponse, requestId: string, startedAt: number) => void;

/** What Fastify's log controller reads of a reply: its logger, status and time taken (`elapsedTime`, ms). */
class EarlyReply {
  endedAt: number | undefined;

  constructor(
    readonly raw: ServerResponse,
    readonly log: FastifyBaseLogger,
    private readonly startedAt: number,
  ) {}

  get statusCode(): number {
    return this.raw.statusCode;
  }

  get elapsedTime(): number {
    return (this.endedAt ?? performance.now()) - this.startedAt;
  }
}

/**
 * Fastify's request log for answers given outside it, made of Fastify's own pieces: the instance's logger (ours, with
 * Fastify's `req`/`res` serializers and our redaction), its child logger factory with the request id binding under
 * the controller's label, Fastify's Request class for the instance's `trustProxy` (what the `req` serializer reads:
 * method, url, host, ip, socket), and the same {@link LogController} instance Fastify was given, whose
 * `incomingRequest` and `requestCompleted` write the lines ("incoming request", "request completed", or "request
 * errored" when the response fails) with their levels and messages, and which decides whether request logging is off.
 * The reply passed to it is a small stand-in: Fastify's `res` serializer reads its `statusCode`, the controller its
 * `log` and `elapsedTime`, timed from `startedAt` to the response's `finish` as Fastify times it.
 */
export function earlyRequestLog(fastify: FastifyInstance, controller: LogController, trustProxy: boolean): EarlyRequestLog {
  const EarlyRequest = Request.buildRequest(Request, trustProxy);
  const root = fastify.log as FastifyBaseLogger & { isLevelEnabled(level: string): boolean };
  const childOf = fastify.childLoggerFactory;
  const label = controller.requestIdLogLabel;
  // the request's logger, request and reply as Fastify's router makes them (no route-level level or serializers here)
  const begin = (raw: IncomingMessage, response: ServerResponse, requestId: string, startedAt: number) => {
    const log = childOf.call(fastify, root, { [label]: requestId }, {}, raw);
    const reply = new EarlyReply(response, log, startedAt);
    return { request: new EarlyRequest(requestId, null, raw, null, log, undefined), reply, asReply: reply as unknown as FastifyReply };
  };
  return (raw, response, requestId, startedAt) => {
    if (!root.isLevelEnabled('info')) {
      // neither line is written below info; only a failing response is ("request errored", at error), as by Fastify
      if (root.isLevelEnabled('error')) {
        response.once('error', (error: Error) => {
          const { request, reply, asReply } = begin(raw, response, requestId, startedAt);
          reply.endedAt = performance.now();
          controller.requestCompleted(error, request, asReply);
        });
      }
      return;
    }
    const { request, reply, asReply } = begin(raw, response, requestId, startedAt);
    controller.incomingRequest(request, asReply);
    const completed = (error?: Error) => {
      reply.endedAt = performance.now();
      response.removeListener('finish', completed);
      response.removeListener('error', completed);
      controller.requestCompleted(error, request, asReply);
    };
    response.on('finish', completed);
    response.on('error', completed);
  };
}
