import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toClientError } from '../errors/error-mapper.js';

/** REST errors leave as `{ error: { code, message, requestId } }` with the mapped status; GraphQL errors pass through. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost) {
    // GraphQL errors are formatted by the GraphQL error formatter; returning a value here would become the field's result.
    if (host.getType<string>() === 'graphql') throw exception;
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const client = toClientError(exception);
    if (client.unexpected) request.log.error({ err: exception }, 'unexpected error');
    void reply
      .code(client.status)
      .send({ error: { code: client.code, message: client.message, requestId: request.id, ...client.details } });
  }
}
