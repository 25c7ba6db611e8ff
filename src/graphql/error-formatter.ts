import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { FastifyBaseLogger } from 'fastify';
import { ErrorCode, ERROR_DEFAULTS } from '../common/errors/error-code.js';
import { toClientError } from '../common/errors/error-mapper.js';

const LIMIT_CODES = new Set<string>([
  ErrorCode.QUERY_TOO_DEEP,
  ErrorCode.QUERY_TOO_COMPLEX,
  ErrorCode.TOO_MANY_ALIASES,
  ErrorCode.INTROSPECTION_DISABLED,
]);

/** Mercurius wraps a failed validation in one error whose `originalError.errors` holds the real ones. */
function flatten(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.flatMap((error) => {
    const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
    if (Array.isArray(inner)) {
      return inner.map((e) => (e instanceof GraphQLError ? e : new GraphQLError(String((e as Error).message), { originalError: e as Error })));
    }
    return [error];
  });
}

function formatOne(error: GraphQLError, log: FastifyBaseLogger): { formatted: GraphQLFormattedError; status: number } {
  const base = { locations: error.locations, path: error.path };
  const ownCode = error.extensions?.code;
  if (!error.originalError && typeof ownCode === 'string' && LIMIT_CODES.has(ownCode)) {
    return { formatted: { message: error.message, ...base, extensions: { ...error.extensions } }, status: 400 };
  }
  if (!error.originalError || error.originalError === error) {
    const syntax = error.message.startsWith('Syntax Error');
    const code = syntax ? ErrorCode.GRAPHQL_PARSE_FAILED : ErrorCode.GRAPHQL_VALIDATION_FAILED;
    return {
      formatted: { message: ERROR_DEFAULTS[code].de, ...base, extensions: { code, reason: error.message } },
      status: 400,
    };
  }
  const client = toClientError(error.originalError);
  if (client.unexpected) log.error({ err: error.originalError, path: error.path }, 'unexpected error in resolver');
  else if (client.code === ErrorCode.SERVICE_UNAVAILABLE)
    log.warn({ err: error.originalError, path: error.path }, 'database unavailable');
  return {
    formatted: { message: client.message, ...base, extensions: { code: client.code, ...client.details } },
    status: client.status,
  };
}

/**
 * Mercurius error formatter: every error leaves with a code from {@link ErrorCode} and a German message,
 * never a stack or an internal message. Execution errors keep HTTP 200 (GraphQL over HTTP); errors before
 * execution (syntax, validation, limits, transport) carry their own status.
 */
export function formatExecutionErrors(
  execution: ExecutionResult & { errors: readonly GraphQLError[] },
  log: FastifyBaseLogger,
): { statusCode: number; response: ExecutionResult } {
  const results = flatten(execution.errors).map((e) => formatOne(e, log));
  const executed = 'data' in execution && execution.data !== undefined;
  return {
    statusCode: executed ? 200 : (results[0]?.status ?? 400),
    response: {
      data: executed ? execution.data : null,
      errors: results.map((r) => r.formatted) as unknown as GraphQLError[],
    },
  };
}
