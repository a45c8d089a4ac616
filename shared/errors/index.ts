export { AppError, appError, isAppError } from './app-error.ts';
export { ERROR_CODES, type ErrorCode } from './error-codes.ts';
