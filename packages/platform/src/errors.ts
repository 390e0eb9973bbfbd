import type { Problem } from '@relay/contracts';

/**
 * Every problem code Relay answers with. The platform's own are here; each domain's `*.errors.ts`
 * adds its codes by augmenting this interface (`declare module '@relay/platform'`), so
 * `AppError.code` is the union of the known codes and a misspelt one does not compile.
 */
export interface ErrorCodes {
  validation_failed: true;
  not_found: true;
  unauthorized: true;
  forbidden: true;
  token_expired: true;
  token_invalid: true;
  rate_limited: true;
  payload_too_large: true;
  unsupported_media_type: true;
  dependency_unavailable: true;
  internal: true;
  malformed_request: true;
  method_not_allowed: true;
  request_timeout: true;
  headers_too_large: true;
  shutting_down: true;
}
export type ErrorCode = keyof ErrorCodes;

/** The platform's codes by name. */
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
} as const satisfies Record<string, ErrorCode>;
export type CommonErrorCode = (typeof CommonErrorCode)[keyof typeof CommonErrorCode];

export interface AppErrorOptions {
  code: ErrorCode;
  status: number;
  title: string;
  detail?: string;
  errors?: Problem['errors'];
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The one error type use cases throw; HTTP and WebSocket layers map it in one place each. */
export class AppError extends Error {
  readonly code: ErrorCode;
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

  /** The same error with more response headers (a challenge, say). */
  withHeaders(headers: Record<string, string>): AppError {
    return new AppError({
      code: this.code,
      status: this.status,
      title: this.title,
      detail: this.detail,
      errors: this.errors,
      headers: { ...this.headers, ...headers },
      cause: this.cause,
    });
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

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function httpTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}

/** One code's answer: its status and what a person reads when nothing more specific is said. */
export interface ErrorSpec {
  status: number;
  detail: string;
  headers?: Record<string, string>;
}

/** What one occurrence may add to its code's answer. */
export interface ErrorDetails {
  detail?: string;
  errors?: Problem['errors'];
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * A domain's error table: one entry per code. The factory it returns is the one way to build that
 * domain's errors, so status and wording live with the code and nowhere else.
 */
export function errorTable<Code extends ErrorCode>(specs: { readonly [Key in Code]: ErrorSpec }) {
  return (code: Code, details: ErrorDetails = {}): AppError => {
    const spec: ErrorSpec = specs[code];
    return new AppError({
      code,
      status: spec.status,
      title: httpTitle(spec.status),
      detail: details.detail ?? spec.detail,
      errors: details.errors,
      headers: { ...spec.headers, ...details.headers },
      cause: details.cause,
    });
  };
}

/** The platform's own errors. */
export const commonError = errorTable<CommonErrorCode>({
  validation_failed: { status: 400, detail: 'The request does not match the expected shape.' },
  not_found: { status: 404, detail: 'Nothing is here.' },
  unauthorized: { status: 401, detail: 'Send an access token as "Authorization: Bearer <token>".' },
  forbidden: { status: 403, detail: 'This is not yours to do.' },
  token_expired: { status: 401, detail: 'The access token has expired.' },
  token_invalid: { status: 401, detail: 'The access token is not valid.' },
  rate_limited: { status: 429, detail: 'Too many requests; try again shortly.' },
  payload_too_large: { status: 413, detail: 'The request body is too large.' },
  unsupported_media_type: { status: 415, detail: 'This content type is not accepted here.' },
  dependency_unavailable: { status: 503, detail: 'A service this needs is unavailable; try again shortly.' },
  internal: { status: 500, detail: 'Something went wrong on our side; quote the errorId when reporting it.' },
  malformed_request: { status: 400, detail: 'The request is not valid HTTP.' },
  method_not_allowed: { status: 405, detail: 'This method is not supported here.' },
  request_timeout: { status: 408, detail: 'The request was not received in time.' },
  headers_too_large: { status: 431, detail: 'The request headers are too large.' },
  shutting_down: {
    status: 503,
    detail: 'This instance is shutting down; try again, another one will answer.',
  },
});
