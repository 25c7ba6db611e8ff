import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toClientError } from '../errors/error-mapper.js';

/** Whether the client asks for English before German (`Accept-Language: en`, `en-GB, de;q=0.5`). */
export function prefersEnglish(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  let best: { lang: string; q: number } | undefined;
  for (const part of value.split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? 1);
    const lang = tag.split('-')[0];
    if ((lang === 'en' || lang === 'de') && Number.isFinite(q) && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang === 'en';
}

/** Answers `{ error: { code, message, requestId } }` with the mapped status (also from hooks, before Nest). */
export function sendRestError(request: FastifyRequest, reply: FastifyReply, exception: unknown): FastifyReply {
  const client = toClientError(exception);
  if (client.unexpected) request.log.error({ err: exception }, 'unexpected error');
  const message = prefersEnglish(request.headers['accept-language']) && client.messageEn ? client.messageEn : client.message;
  const retry = client.details?.retryAfterSeconds;
  if ((client.status === 503 || client.status === 429) && typeof retry === 'number') void reply.header('retry-after', String(retry));
  return reply.code(client.status).send({ error: { code: client.code, message, requestId: request.id, ...client.details } });
}

/** REST errors leave as `{ error: { code, message, requestId } }` with the mapped status; GraphQL errors pass through. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost) {
    // GraphQL errors are formatted by the GraphQL error formatter; returning a value here would become the field's result.
    if (host.getType<string>() === 'graphql') throw exception;
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    void sendRestError(request, reply, exception);
  }
}
