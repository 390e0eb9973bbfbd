import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommonErrorCode, commonError, httpTitle, PROBLEM_CONTENT_TYPE, problemType } from './errors.ts';
import type { Logger } from './logger.ts';

/**
 * How long a client may take, so a slow or stalled one cannot hold a connection (and a
 * handler's body parser) open forever. Upgraded WebSocket connections are not affected:
 * once upgraded, a socket leaves the HTTP server's request tracking.
 */
export interface HttpTimeouts {
  /** To send the request line and headers (slowloris). */
  headersMs: number;
  /** To send a whole request, headers and body, unless it is an upload. */
  requestMs: number;
  /**
   * To send a whole multipart/form-data upload: 25 MiB over a 0.7 Mbit/s uplink (a poor mobile
   * link) takes about 300 s. Also the cap on any request, as the HTTP server enforces it.
   */
  uploadMs: number;
  /** An idle keep-alive connection between requests is closed after this. */
  keepAliveMs: number;
  /** A connection on which no byte moves either way for this long is dropped. */
  idleMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  uploadMs: 300_000,
  keepAliveMs: 5_000,
  idleMs: 60_000,
};

/** Fastify's own options for these timeouts (the server's and node's). */
export function timeoutServerOptions(timeouts: HttpTimeouts) {
  const http: ServerOptions = {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.uploadMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // Node checks the header and request deadlines this often (30 s by default, far too coarse).
    connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(timeouts.headersMs / 4))),
  };
  return {
    http,
    requestTimeout: timeouts.uploadMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionTimeout: timeouts.idleMs,
  };
}

const requestTimedOut = (ms: number) =>
  commonError(CommonErrorCode.RequestTimeout, {
    detail: `The request was not received within ${Math.round(ms / 1000)} s.`,
    // What is left of the body is never read: the connection cannot carry another request.
    headers: { connection: 'close' },
  });

const isUpload = (request: FastifyRequest) =>
  String(request.headers['content-type'] ?? '')
    .toLowerCase()
    .startsWith('multipart/form-data');

/** Whether a body follows the headers (RFC 9112 §6.3: Content-Length or Transfer-Encoding). */
const hasBody = (request: FastifyRequest) =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

/**
 * preParsing: a body that is still arriving when the request deadline passes fails the request
 * with a 408 problem (the route's parser sees the error). Multipart uploads are read by their
 * handler from the raw request, under the server's upload deadline instead.
 */
export function bodyDeadline(timeouts: HttpTimeouts) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: Readable): Promise<Readable> => {
    if (!hasBody(request) || request.raw.complete || isUpload(request)) return payload;
    const limited = new PassThrough();
    const timer = setTimeout(
      () => {
        // Received in full (only not read yet), or answered already: nothing is slow.
        if (request.raw.complete || reply.sent) return;
        payload.unpipe(limited);
        limited.destroy(requestTimedOut(timeouts.requestMs));
      },
      Math.max(0, timeouts.requestMs - reply.elapsedTime),
    );
    timer.unref();
    // The route's parser listens when it reads the body; a route that never does must not crash.
    limited.on('error', () => {});
    limited.on('close', () => clearTimeout(timer));
    reply.raw.once('close', () => clearTimeout(timer));
    payload.on('error', (error) => limited.destroy(error));
    payload.pipe(limited);
    return limited;
  };
}

/**
 * The HTTP server's answer to a connection it gives up on before a route could run (headers or
 * an upload too slow, malformed HTTP): a problem, when no answer has started on that socket yet.
 */
export function clientErrorHandler(logger: Logger) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const status =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    logger.info({ code: error.code, status, remote: socket.remoteAddress }, 'connection refused');
    const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || answering?.headersSent === true) {
      socket.destroy();
      return;
    }
    socket.end(rawProblem(status, error.code), () => socket.destroy());
  };
}

function rawProblem(status: number, nodeCode: string | undefined): string {
  const [code, detail] =
    status === 408
      ? [CommonErrorCode.RequestTimeout, 'The request was not received in time.']
      : status === 431
        ? [CommonErrorCode.HeadersTooLarge, 'The request headers are too large.']
        : [CommonErrorCode.MalformedRequest, `The request is not valid HTTP (${nodeCode ?? 'unknown'}).`];
  const body = JSON.stringify({ type: problemType(code), title: httpTitle(status), status, code, detail });
  return [
    `HTTP/1.1 ${status} ${httpTitle(status)}`,
    `content-type: ${PROBLEM_CONTENT_TYPE}`,
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
}
