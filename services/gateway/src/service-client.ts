import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { CORRELATION_HEADER } from '@relay/contracts';
import { type AppError, currentCorrelationId } from '@relay/platform';
import type { FastifyReply } from 'fastify';

export interface ServiceClientOptions {
  baseUrl: string;
  timeoutMs: number;
  /** The caller's error when the service cannot answer (down, too slow, 5xx): a 503 with Retry-After. */
  unavailable: (cause: unknown) => AppError;
}

export interface ServiceRequest {
  method?: string;
  /** The caller's own token, so the service checks it too. */
  accessToken?: string;
  headers?: Record<string, string>;
  /** A streamed body (an upload) is sent as it arrives. */
  body?: AsyncIterable<Uint8Array>;
  /** The caller's own reason to stop (its body failed): thrown as it is, not as "unavailable". */
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Redirects are the service's answer to relay, never followed here. */
  redirect?: 'manual';
}

/** Another Relay service as the gateway calls it: its answers as they are, its outages as one error. */
export class ServiceClient {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #unavailable: (cause: unknown) => AppError;

  constructor(options: ServiceClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/$/, '');
    this.#timeoutMs = options.timeoutMs;
    this.#unavailable = options.unavailable;
  }

  /** The raw answer (2xx–4xx); network failures, timeouts and 5xx throw the client's unavailable error. */
  async request(path: string, options: ServiceRequest = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.accessToken !== undefined) headers.authorization = `Bearer ${options.accessToken}`;
    const correlationId = currentCorrelationId();
    if (correlationId !== undefined) headers[CORRELATION_HEADER] = correlationId;
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${this.#baseUrl}${path}`, {
        method: options.method ?? 'GET',
        headers,
        body: options.body as RequestInit['body'],
        // Required by fetch for a streamed request body.
        ...(options.body === undefined ? {} : { duplex: 'half' }),
        redirect: options.redirect ?? 'follow',
        signal: options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]),
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.#unavailable(error);
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      throw this.#unavailable(new Error(`${this.#baseUrl} answered ${response.status}`));
    }
    return response;
  }
}

/** What a relayed answer keeps of the service's headers: its meaning, not its transport. */
const RELAYED_HEADERS = ['location', 'cache-control', 'retry-after'];

/**
 * Sends the service's answer on as it wrote it (its 4xx are problem+json already): status,
 * content type, a few headers and the body, streamed. The route's static types cannot know that status.
 */
export function relayResponse(reply: FastifyReply, upstream: Response): FastifyReply {
  reply.code(upstream.status);
  for (const name of RELAYED_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) reply.header(name, value);
  }
  const contentType = upstream.headers.get('content-type');
  if (upstream.body === null || contentType === null) {
    // Nothing to relay (a redirect's, a 204's): released, so the connection is reused.
    void upstream.body?.cancel();
    return reply.send();
  }
  return reply.type(contentType).send(Readable.fromWeb(upstream.body as ReadableStream) as never);
}

/** A validated query, passed on to the service as it was understood here. */
export function searchParams(query: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  return params;
}
