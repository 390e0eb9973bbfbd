import { Problem } from '@relay/contracts';

const NETWORK_MESSAGE = 'Relay cannot be reached. Check your connection and try again.';

/** Every failed API call, as the gateway's problem+json described it (or as the network failed). */
export class ApiError extends Error {
  readonly status: number;
  /** The problem's machine-readable code (`invalid_credentials`), `network` when nothing answered. */
  readonly code: string;
  readonly fieldErrors: readonly { path: string; message: string }[];

  constructor(status: number, code: string, message: string, fieldErrors: ApiError['fieldErrors'] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fieldErrors = fieldErrors;
  }

  static network(): ApiError {
    return new ApiError(0, 'network', NETWORK_MESSAGE);
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    const body: unknown = await response.json().catch(() => undefined);
    const problem = Problem.safeParse(body);
    if (!problem.success) {
      return new ApiError(response.status, 'unknown', `Something went wrong (HTTP ${response.status}).`);
    }
    const { status, code, detail, title, errors } = problem.data;
    return new ApiError(status, code, detail ?? title, errors);
  }
}

/** A user-facing sentence for anything a query or mutation threw. */
export function errorMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong. Try again.';
}
