import { GraphQLError } from 'graphql';
import { HttpException } from '@nestjs/common';
import { ERROR_DEFAULTS, ErrorCode } from './error-code.js';
import { LotseError } from './lotse.error.js';

/** What a client is told about an error: nothing more. */
export interface ClientError {
  code: ErrorCode;
  message: string;
  /** English message, where one exists. */
  messageEn?: string;
  status: number;
  details?: Record<string, unknown>;
  /** True when the error was not expected; the caller logs it with its stack. */
  unexpected: boolean;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCode.MALFORMED_JSON,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.MALFORMED_JSON,
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.PAYLOAD_TOO_LARGE,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCode.BAD_REQUEST,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_CTP_INVALID_TYPE: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_BAD_URL: ErrorCode.BAD_REQUEST,
  FST_REQ_FILE_TOO_LARGE: ErrorCode.FILE_TOO_LARGE,
  FST_FILES_LIMIT: ErrorCode.UPLOAD_MALFORMED,
  FST_PARTS_LIMIT: ErrorCode.UPLOAD_MALFORMED,
  FST_FIELDS_LIMIT: ErrorCode.UPLOAD_MALFORMED,
  FST_PROTO_VIOLATION: ErrorCode.UPLOAD_MALFORMED,
  FST_INVALID_MULTIPART_CONTENT_TYPE: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  MER_ERR_GQL_CSRF_PREVENTION: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  MER_ERR_GQL_PERSISTED_QUERY_NOT_SUPPORTED: ErrorCode.BAD_REQUEST,
  MER_ERR_GQL_QUERY_DEPTH: ErrorCode.QUERY_TOO_DEEP,
  MER_ERR_METHOD_NOT_ALLOWED: ErrorCode.METHOD_NOT_ALLOWED,
};

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_REQUEST,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.ROUTE_NOT_FOUND,
  405: ErrorCode.METHOD_NOT_ALLOWED,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** SQLSTATE classes and driver messages that mean "the database is not reachable right now". */
const DB_UNAVAILABLE_SQLSTATE = /^(08|57P0[1-4]|53300)/;
const DB_UNAVAILABLE_MESSAGE =
  /(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|timeout exceeded when trying to connect|terminating connection|the database system is (starting up|shutting down)|Client has encountered a connection error|Connection refused)/i;

function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && chain.length < 8 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { originalError?: unknown; cause?: unknown }).originalError ??
      (current as { cause?: unknown }).cause;
  }
  return chain;
}

/**
 * The client broke off its request while its body was being read: Node destroys the request with
 * `Error('aborted')`, code ECONNRESET (`_http_server`'s abortIncoming). The code alone would read as a lost database.
 */
export function isClientAbort(error: unknown): boolean {
  return errorChain(error).some((e) => {
    const { code, message } = e as { code?: unknown; message?: unknown };
    return code === 'ECONNRESET' && message === 'aborted';
  });
}

export function isDatabaseUnavailable(error: unknown): boolean {
  if (isClientAbort(error)) return false;
  return errorChain(error).some((e) => {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    if (name === 'ConnectionException') return true;
    if (typeof code === 'string' && (DB_UNAVAILABLE_SQLSTATE.test(code) || DB_UNAVAILABLE_MESSAGE.test(code)))
      return true;
    return typeof message === 'string' && DB_UNAVAILABLE_MESSAGE.test(message);
  });
}

function make(code: ErrorCode, message?: string, details?: Record<string, unknown>, unexpected = false, messageEn?: string): ClientError {
  const en = messageEn ?? (message === undefined ? ERROR_DEFAULTS[code].en : undefined);
  return { code, message: message ?? ERROR_DEFAULTS[code].de, messageEn: en, status: ERROR_DEFAULTS[code].status, details, unexpected };
}

/**
 * The one place that decides what a client sees of an error, for GraphQL and REST alike.
 * Unknown errors become INTERNAL_SERVER_ERROR with a generic German message.
 */
export function toClientError(error: unknown): ClientError {
  const chain = errorChain(error);
  const lotse = chain.find((e): e is LotseError => e instanceof LotseError);
  if (lotse) return make(lotse.code, lotse.message, lotse.details, false, lotse.en);

  // nobody reads the answer to a request the client broke off; it is the client's doing, not an outage
  if (isClientAbort(error)) return make(ErrorCode.BAD_REQUEST);
  if (isDatabaseUnavailable(error)) return make(ErrorCode.SERVICE_UNAVAILABLE);

  for (const e of chain) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && FASTIFY_CODES[code]) return make(FASTIFY_CODES[code]);
  }

  const http = chain.find((e): e is HttpException => e instanceof HttpException);
  if (http) {
    const status = http.getStatus();
    const code = HTTP_STATUS_CODES[status];
    if (code) return make(code);
    return make(status >= 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_REQUEST, undefined, undefined, status >= 500);
  }

  for (const e of chain) {
    const statusCode = (e as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && HTTP_STATUS_CODES[statusCode])
      return make(HTTP_STATUS_CODES[statusCode]);
  }

  if (error instanceof GraphQLError && !error.originalError) {
    // A GraphQL error raised by the engine itself (syntax, validation, variable coercion).
    return make(ErrorCode.GRAPHQL_VALIDATION_FAILED, undefined, { reason: error.message });
  }
  return make(ErrorCode.INTERNAL_SERVER_ERROR, undefined, undefined, true);
}
