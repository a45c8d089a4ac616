import { ERROR_CODES, type ErrorCode } from './error-codes.ts';

/**
 * The one error type that crosses a boundary: a stable `code`, the HTTP `status` that code
 * maps to, a human message, and optional structured `details` safe to show a client.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code].message, options);
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = details;
  }
}

/**
 * The factory every module uses to make an error.
 * @example throw appError('EMBED_MODEL_UNKNOWN', `model "${name}" is not served`, { model: name })
 */
export function appError(
  code: ErrorCode,
  message?: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): AppError {
  return new AppError(code, message, details, cause === undefined ? undefined : { cause });
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
