import type { Problem } from '@relay/contracts';

/** Codes shared by every service; each domain adds its own `as const` object of codes. */
export const CommonErrorCode = {
  ValidationFailed: 'validation_failed',
  NotFound: 'not_found',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  TokenExpired: 'token_expired',
  TokenInvalid: 'token_invalid',
  RateLimited: 'rate_limited',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  DependencyUnavailable: 'dependency_unavailable',
  Internal: 'internal',
  MalformedRequest: 'malformed_request',
  MethodNotAllowed: 'method_not_allowed',
  RequestTimeout: 'request_timeout',
  HeadersTooLarge: 'headers_too_large',
  ShuttingDown: 'shutting_down',
} as const;

export interface AppErrorOptions {
  code: string;
  status: number;
  title: string;
  detail?: string;
  errors?: Problem['errors'];
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The one error type use cases throw; HTTP and WebSocket layers map it in one place each. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: Problem['errors'];
  readonly headers: Record<string, string>;

  constructor(options: AppErrorOptions) {
    super(options.detail ?? options.title, { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.status = options.status;
    this.title = options.title;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `https://relay.dev/problems/${code.replaceAll('_', '-')}`;
}

export function toProblem(error: AppError, instance?: string): Problem {
  const problem: Problem = {
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    code: error.code,
  };
  if (error.detail !== undefined) problem.detail = error.detail;
  if (error.errors !== undefined) problem.errors = error.errors;
  if (instance !== undefined) problem.instance = instance;
  return problem;
}
