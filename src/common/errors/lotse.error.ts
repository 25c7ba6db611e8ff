import { ERROR_DEFAULTS, ErrorCode } from './error-code.js';

/**
 * An expected failure that a client may see. Carries a stable code, a German message and,
 * optionally, safe details (never internals).
 */
export class LotseError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  /** The English message (REST answers it for `Accept-Language: en`); the code's default when not given. */
  readonly en?: string;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>, en?: string) {
    super(message ?? ERROR_DEFAULTS[code].de);
    this.name = 'LotseError';
    this.code = code;
    this.details = details;
    this.en = en ?? (message === undefined ? ERROR_DEFAULTS[code].en : undefined);
  }
}

export const notFound = (message?: string, details?: Record<string, unknown>) =>
  new LotseError(ErrorCode.NOT_FOUND, message, details);
export const badUserInput = (message: string, details?: Record<string, unknown>) =>
  new LotseError(ErrorCode.BAD_USER_INPUT, message, details);
