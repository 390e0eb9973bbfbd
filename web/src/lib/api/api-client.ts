import { ApiError } from './api-error.ts';
import type { Session } from './session.ts';
import type { Transport } from './transport.ts';

export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** A plain object is sent as JSON; FormData as multipart. */
  body?: object | FormData;
  /** Send the access token (default). Auth endpoints themselves go without. */
  authenticated?: boolean;
  /** Validates the answer: the contracts' schema for this endpoint. Omit for 204s. */
  schema?: { parse(data: unknown): T };
  onUploadProgress?: (fraction: number) => void;
}

export interface ApiClientOptions {
  baseUrl: string;
  transport: Transport;
  /** Only for authenticated requests; auth's own endpoints (login, refresh) go without. */
  session: () => Session;
}

/**
 * The gateway's REST API. An authenticated request that gets a 401 waits for the session's single
 * refresh and is retried once with the new token; a second 401 is the caller's to handle.
 */
export class ApiClient {
  readonly #options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.#options = options;
  }

  async request<T = void>(path: string, options: RequestOptions<T> = {}): Promise<T> {
    const response = await this.#requestWithRetry(path, options);
    if (!response.ok) throw await ApiError.fromResponse(response);
    if (options.schema === undefined) return undefined as T;
    return options.schema.parse(await response.json());
  }

  /** A binary answer (an image) as a Blob, with the same token handling. */
  async blob(path: string): Promise<Blob> {
    const response = await this.#requestWithRetry(path, {});
    if (!response.ok) throw await ApiError.fromResponse(response);
    return response.blob();
  }

  async #requestWithRetry<T>(path: string, options: RequestOptions<T>): Promise<Response> {
    if (options.authenticated === false) return this.#send(path, options, null);
    const session = this.#options.session();
    const token = await session.accessToken();
    if (token === null) throw new ApiError(401, 'signed_out', 'Sign in to continue.');
    const response = await this.#send(path, options, token);
    if (response.status !== 401) return response;
    return this.#send(path, options, await session.tokenAfterUnauthorized(token));
  }

  async #send<T>(path: string, options: RequestOptions<T>, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const { body } = options;
    const isJson = body !== undefined && !(body instanceof FormData);
    if (isJson) headers['content-type'] = 'application/json';
    try {
      return await this.#options.transport({
        url: `${this.#options.baseUrl}${path}`,
        method: options.method ?? 'GET',
        headers,
        body: isJson ? JSON.stringify(body) : body,
        onUploadProgress: options.onUploadProgress,
      });
    } catch {
      throw ApiError.network();
    }
  }
}
