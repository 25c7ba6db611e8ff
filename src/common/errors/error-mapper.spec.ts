import { GraphQLError } from 'graphql';
import { NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ErrorCode } from './error-code.js';
import { isDatabaseUnavailable, toClientError } from './error-mapper.js';
import { LotseError } from './lotse.error.js';

describe('toClientError', () => {
  it('keeps the code, message and details of a LotseError, also when wrapped', () => {
    const error = new LotseError(ErrorCode.NOT_FOUND, 'Leistung „x“ gibt es nicht.', { id: 'x' });
    const wrapped = new GraphQLError('wrapped', { originalError: error });
    for (const e of [error, wrapped]) {
      expect(toClientError(e)).toEqual({
        code: 'NOT_FOUND',
        message: 'Leistung „x“ gibt es nicht.',
        status: 404,
        details: { id: 'x' },
        unexpected: false,
      });
    }
  });

  it('hides unknown errors behind INTERNAL_SERVER_ERROR and flags them for logging', () => {
    const client = toClientError(new TypeError('cannot read properties of undefined (reading "secret")'));
    expect(client).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', status: 500, unexpected: true });
    expect(client.message).not.toContain('secret');
  });

  it.each([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    [new Error('timeout exceeded when trying to connect')],
    [Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    [Object.assign(new Error('x'), { name: 'ConnectionException' })],
    [new Error('outer', { cause: new Error('Connection terminated unexpectedly') })],
  ])('maps a lost database (%s) to SERVICE_UNAVAILABLE', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(toClientError(error)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, unexpected: false });
  });

  it('does not mistake a client that broke off its request body for a lost database', () => {
    // what Node destroys the request with (connResetException('aborted')), as it reaches us wrapped or not
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    for (const error of [aborted, new GraphQLError('wrapped', { originalError: aborted })]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
      expect(toClientError(error)).toMatchObject({ code: 'BAD_REQUEST', status: 400, unexpected: false });
    }
    // the database's own connection reset stays an outage
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
    expect(isDatabaseUnavailable(reset)).toBe(true);
    expect(toClientError(reset)).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('does not mistake a constraint violation for an outage', () => {
    const error = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it.each([
    ['FST_ERR_CTP_INVALID_JSON_BODY', 'MALFORMED_JSON', 400],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 413],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 'UNSUPPORTED_MEDIA_TYPE', 415],
  ])('maps the Fastify error %s to %s', (fastifyCode, code, status) => {
    expect(toClientError(Object.assign(new Error('x'), { code: fastifyCode }))).toMatchObject({ code, status });
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(toClientError(new NotFoundException())).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404 });
    expect(toClientError(new ServiceUnavailableException())).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('has a German default message for every code', () => {
    for (const code of Object.values(ErrorCode)) {
      const { message } = toClientError(new LotseError(code));
      expect(message.length).toBeGreaterThan(10);
      expect(message).not.toMatch(/^[A-Z_]+$/);
    }
  });
});
