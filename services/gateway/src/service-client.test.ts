import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CORRELATION_HEADER } from '@relay/contracts';
import { AppError, CommonErrorCode, commonError, withCorrelation } from '@relay/platform';
import fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayResponse, ServiceClient } from './service-client.ts';

/** A stand-in service: each path answers one way; what it was sent is kept. */
let service: Server;
let baseUrl: string;
const received: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  service = createServer(async (request, response) => {
    let body = '';
    try {
      for await (const chunk of request) body += chunk;
    } catch {
      return; // the client gave up on its body (an aborted upload)
    }
    received.push({ path: request.url ?? '', headers: request.headers, body });
    switch (request.url) {
      case '/redirect':
        response.writeHead(302, {
          location: 'https://s3.example/object?signature=x',
          'cache-control': 'no-store',
        });
        return response.end();
      case '/gone':
        response.writeHead(404, { 'content-type': 'application/problem+json' });
        return response.end(JSON.stringify({ status: 404, code: 'conversion_not_found' }));
      case '/broken':
        response.writeHead(500);
        return response.end('boom');
      case '/slow':
        return; // never answers
      default:
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end(JSON.stringify({ echoed: body }));
    }
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
});
afterAll(() => {
  service.closeAllConnections();
  service.close();
});

const unavailable = (cause: unknown) =>
  commonError(CommonErrorCode.DependencyUnavailable, { cause, headers: { 'retry-after': '5' } });
const client = (url = baseUrl) => new ServiceClient({ baseUrl: url, timeoutMs: 300, unavailable });

async function* chunks(...parts: string[]) {
  for (const part of parts) yield new TextEncoder().encode(part);
}

describe('ServiceClient', () => {
  it("sends the caller's token and correlation id, and a streamed body", async () => {
    const response = await withCorrelation('corr-1', () =>
      client().request('/echo', { method: 'POST', accessToken: 'tok', body: chunks('a', 'b') }),
    );
    expect(await response.json()).toEqual({ echoed: 'ab' });
    const sent = received.find((request) => request.path === '/echo');
    expect(sent?.headers.authorization).toBe('Bearer tok');
    expect(sent?.headers[CORRELATION_HEADER]).toBe('corr-1');
  });

  it('returns redirects and 4xx as they are, for relaying', async () => {
    const redirect = await client().request('/redirect', { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://s3.example/object?signature=x');
    expect((await client().request('/gone')).status).toBe(404);
  });

  it('turns a 5xx, a timeout and a closed port into its unavailable error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    closed.close();
    const calls = [
      () => client().request('/broken'),
      () => client().request('/slow'),
      () => client(closedUrl).request('/'),
    ];
    for (const call of calls) {
      await expect(call()).rejects.toMatchObject({
        code: CommonErrorCode.DependencyUnavailable,
        status: 503,
      });
    }
  });

  it("throws the caller's own abort reason (its body failed) rather than unavailable", async () => {
    const failed = new AbortController();
    const tooLarge = commonError(CommonErrorCode.PayloadTooLarge);
    async function* failing() {
      yield new TextEncoder().encode('a');
      failed.abort(tooLarge);
      throw tooLarge;
    }
    const call = client().request('/echo', { method: 'POST', body: failing(), signal: failed.signal });
    await expect(call).rejects.toBe(tooLarge);
    expect(tooLarge).toBeInstanceOf(AppError);
  });
});

describe('relayResponse', () => {
  const app = fastify();
  app.get('/relay/*', async (request, reply) =>
    relayResponse(
      reply,
      await client().request(`/${(request.params as { '*': string })['*']}`, { redirect: 'manual' }),
    ),
  );
  afterAll(() => app.close());

  it("relays a redirect's status, Location and Cache-Control", async () => {
    const answer = await app.inject({ method: 'GET', url: '/relay/redirect' });
    expect(answer.statusCode).toBe(302);
    expect(answer.headers.location).toBe('https://s3.example/object?signature=x');
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('relays a problem with its status and content type', async () => {
    const answer = await app.inject({ method: 'GET', url: '/relay/gone' });
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.json()).toEqual({ status: 404, code: 'conversion_not_found' });
  });
});
