import { ServiceClient } from '../service-client.ts';
import { conversionsUnavailable } from './conversions.errors.ts';

export interface ConvertApiClientOptions {
  baseUrl: string;
  /** For every call but the upload. */
  timeoutMs: number;
  /** For an upload, which lasts as long as the client takes to send it. */
  uploadTimeoutMs: number;
}

export interface Upload {
  /** The request's own, with its multipart boundary. */
  contentType: string;
  body: AsyncIterable<Uint8Array>;
  /** Aborted when the body itself fails (too large, the client gone): that reason is thrown. */
  signal: AbortSignal;
}

/**
 * convert-api (:8001) as the gateway calls it: with the caller's own token, so convert-api checks
 * it and scopes every job to its owner. Answers come back raw, to be relayed as they are.
 */
export class ConvertApiClient {
  readonly #service: ServiceClient;
  readonly #uploadTimeoutMs: number;

  constructor(options: ConvertApiClientOptions) {
    this.#service = new ServiceClient({ ...options, unavailable: conversionsUnavailable });
    this.#uploadTimeoutMs = options.uploadTimeoutMs;
  }

  upload(accessToken: string, upload: Upload): Promise<Response> {
    return this.#service.request('/conversions', {
      method: 'POST',
      accessToken,
      headers: { 'content-type': upload.contentType },
      body: upload.body,
      signal: upload.signal,
      timeoutMs: this.#uploadTimeoutMs,
    });
  }

  list(accessToken: string, query: URLSearchParams): Promise<Response> {
    return this.#service.request(`/conversions?${query}`, { accessToken });
  }

  get(accessToken: string, id: string): Promise<Response> {
    return this.#service.request(conversionPath(id), { accessToken });
  }

  /** convert-api's 302 to a presigned URL, not followed. */
  download(accessToken: string, id: string): Promise<Response> {
    return this.#service.request(`${conversionPath(id)}/download`, { accessToken, redirect: 'manual' });
  }

  /** The WebP image itself, streamed on. */
  thumbnail(accessToken: string, id: string): Promise<Response> {
    return this.#service.request(`${conversionPath(id)}/thumbnail`, { accessToken });
  }

  delete(accessToken: string, id: string): Promise<Response> {
    return this.#service.request(conversionPath(id), { method: 'DELETE', accessToken });
  }

  formats(): Promise<Response> {
    return this.#service.request('/formats');
  }
}

const conversionPath = (id: string) => `/conversions/${encodeURIComponent(id)}`;
