import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAuthenticate } from './authenticate.ts';
import { multipartBody, noContent } from './documented-bodies.ts';
import { AppError } from './errors.ts';
import { createHttpApp, type HttpApp } from './http.ts';
import { createLogger } from './logger.ts';
import { problemResponses } from './problem-responses.ts';

declare module './errors.ts' {
  interface ErrorCodes {
    item_exists: true;
    not_documented: true;
  }
}

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'test', level: 'info', destination }) };
}

let app: HttpApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function buildApp(readyCheck: () => Promise<void> = async () => {}) {
  const { lines, logger } = captureLogs();
  app = await createHttpApp({
    name: 'test',
    version: '1.0.0',
    logger,
    readiness: [{ name: 'db', check: readyCheck }],
  });
  app.post('/items', { schema: { body: z.object({ name: z.string().min(2) }) } }, async (request) => ({
    name: request.body.name,
  }));
  app.get('/conflict', async () => {
    throw new AppError({ code: 'item_exists', status: 409, title: 'Conflict', detail: 'Item exists.' });
  });
  app.get('/boom', async () => {
    throw new Error('database exploded: password=hunter2');
  });
  return { app, lines };
}

describe('createHttpApp', () => {
  it('answers unknown routes with problem+json 404', async () => {
    const { app } = await buildApp();
    const response = await app.inject({ method: 'GET', url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 404, code: 'not_found', title: 'Not Found' });
  });

  it('maps schema violations to 400 with the failing field', async () => {
    const { app } = await buildApp();
    const response = await app.inject({ method: 'POST', url: '/items', payload: { name: 'x' } });
    expect(response.statusCode).toBe(400);
    const problem = response.json();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'body.name' })]);
  });

  it('maps malformed JSON to 400, not 500', async () => {
    const { app } = await buildApp();
    const response = await app.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('maps an AppError to its status and code', async () => {
    const { app } = await buildApp();
    const response = await app.inject({ method: 'GET', url: '/conflict' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      code: 'item_exists',
      detail: 'Item exists.',
      instance: '/conflict',
    });
  });

  it('hides an unknown error behind a 500 whose errorId is in the log', async () => {
    const { app, lines } = await buildApp();
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    const problem = response.json();
    expect(problem.code).toBe('internal');
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    const logged = lines.find((line) => line.errorId === problem.errorId);
    expect(logged?.msg).toBe('request failed');
  });

  it('adopts a valid inbound correlation id, echoes it and logs with it', async () => {
    const { app, lines } = await buildApp();
    const response = await app.inject({
      method: 'GET',
      url: '/conflict',
      headers: { 'x-correlation-id': 'abc-123' },
    });
    expect(response.headers['x-correlation-id']).toBe('abc-123');
    expect(lines.some((line) => line.correlationId === 'abc-123')).toBe(true);
  });

  it('replaces an unsafe inbound correlation id', async () => {
    const { app } = await buildApp();
    const response = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-correlation-id': 'bad id\twith spaces' },
    });
    expect(response.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports readiness per dependency and 503 when one fails', async () => {
    let healthy = true;
    const { app } = await buildApp(async () => {
      if (!healthy) throw new Error('connection refused');
    });
    const ok = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ready', checks: { db: 'ok' } });
    healthy = false;
    const down = await app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'not_ready', checks: { db: 'connection refused' } });
  });

  it('exposes Prometheus metrics including request durations', async () => {
    const { app } = await buildApp();
    await app.inject({ method: 'GET', url: '/conflict' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/conflict"[^}]*\} 1/);
    expect(response.body).toContain('process_cpu_user_seconds_total');
  });

  it('answers a known path asked with another method 405 with Allow, an unknown path 404', async () => {
    const { app } = await buildApp();
    app.put('/items/:id', async () => ({}));
    const wrongMethod = await app.inject({ method: 'DELETE', url: '/items' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    expect(wrongMethod.headers['content-type']).toContain('application/problem+json');
    expect(wrongMethod.json()).toMatchObject({ status: 405, code: 'method_not_allowed' });
    const withParam = await app.inject({ method: 'GET', url: '/items/42?x=1' });
    expect(withParam.statusCode).toBe(405);
    expect(withParam.headers.allow).toBe('PUT');
    // QUERY carries a body: Fastify would demand a content type before any not-found handler ran.
    const query = await app.inject({ method: 'QUERY', url: '/items' });
    expect(query.statusCode).toBe(405);
    const readable = await app.inject({ method: 'POST', url: '/healthz' });
    expect(readable.headers.allow).toBe('GET, HEAD');
    const unknown = await app.inject({ method: 'DELETE', url: '/nothing/here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers.allow).toBeUndefined();
  });
});

describe('documented problem answers', () => {
  async function documented() {
    const { logger } = captureLogs();
    app = await createHttpApp({
      name: 'test',
      version: '1.0.0',
      logger,
      readiness: [],
      openapi: { title: 'test', description: 'test' },
    });
    app.post(
      '/things',
      {
        schema: {
          security: [{ bearerAuth: [] }],
          body: z.object({ name: z.string() }),
          response: { 201: z.object({ name: z.string() }), ...problemResponses({ 400: ['name_taken'] }) },
        },
      },
      async () => {
        throw new AppError({ code: 'not_documented', status: 400, title: 'Bad Request' });
      },
    );
    app.get('/things', { schema: { response: { 200: z.object({}) } } }, async () => ({}));
    app.delete('/things', { schema: { response: { 204: noContent('Gone.') } } }, async (_request, reply) =>
      reply.code(204).send(),
    );
    app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
    app.put(
      '/upload',
      {
        schema: {
          consumes: ['multipart/form-data'],
          body: multipartBody(z.object({ file: z.file() })),
          response: { 200: z.object({ read: z.boolean() }) },
        },
      },
      async () => ({ read: true }),
    );
    await app.ready();
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    return { app, paths: document.paths };
  }

  // biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read field by field
  const problemCodes = (operation: { responses: Record<string, any> }, status: number) =>
    operation.responses[status]?.content?.['application/problem+json']?.schema?.properties?.code?.enum;

  it('adds what every route can answer to its own problems, as problem+json with their codes', async () => {
    const { paths } = await documented();
    const post = paths['/things'].post;
    expect(Object.keys(post.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '408',
      '413',
      '415',
      '500',
      '503',
    ]);
    expect(problemCodes(post, 400)).toEqual(['name_taken', 'validation_failed']);
    expect(problemCodes(post, 401)).toEqual(['token_expired', 'token_invalid', 'unauthorized']);
    expect(problemCodes(post, 408)).toEqual(['request_timeout']);
    expect(post.responses[500].content['application/problem+json'].schema.properties.status.enum).toEqual([
      500,
    ]);
    expect(post.responses['201'].content).toHaveProperty('application/json');
  });

  it('documents only what a route can answer: no 400 without input, no 401 without security', async () => {
    const { paths } = await documented();
    expect(Object.keys(paths['/things'].get.responses).sort()).toEqual(['200', '500', '503']);
    const removal = paths['/things'].delete.responses;
    expect(removal['204']).toEqual({ description: 'Gone.' });
  });

  it('still sends a problem whose code the route does not document', async () => {
    const { app } = await documented();
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { authorization: 'Bearer any' },
      payload: { name: 'x' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'not_documented', status: 400 });
  });

  it('refuses a route that declares security without credentials before looking at its body', async () => {
    const { app } = await documented();
    const response = await app.inject({ method: 'POST', url: '/things', payload: { wrong: 1 } });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('with an authenticator, refuses a bad token before the body and resolves a good one once per request', async () => {
    const verified: string[] = [];
    const authenticate = createAuthenticate(async (token) => {
      verified.push(token);
      if (token !== 'good') throw new AppError({ code: 'token_invalid', status: 401, title: 'Unauthorized' });
      return { sub: '6ba7b810-9dad-11d1-80b4-00c04fd430c8', email: 'a@example.com', name: 'A' };
    });
    const { logger } = captureLogs();
    app = await createHttpApp({ name: 'test', version: '1.0.0', logger, readiness: [], authenticate });
    app.post(
      '/things',
      { schema: { security: [{ bearerAuth: [] }], body: z.object({ name: z.string() }) } },
      async (request) => ({ sub: (await authenticate(request)).sub }),
    );
    const bad = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { authorization: 'Bearer bad' },
      payload: { wrong: 1 },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    const good = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { authorization: 'Bearer good' },
      payload: { name: 'x' },
    });
    expect(good.statusCode).toBe(200);
    expect(verified).toEqual(['bad', 'good']);
  });

  it('documents a multipart body without validating it: the handler reads it', async () => {
    const { app, paths } = await documented();
    expect(paths['/upload'].put.requestBody.content['multipart/form-data'].schema).toMatchObject({
      properties: { file: { type: 'string', format: 'binary' } },
      required: ['file'],
    });
    const response = await app.inject({
      method: 'PUT',
      url: '/upload',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x--\r\n',
    });
    expect(response.json()).toEqual({ read: true });
  });
});

describe('CORS on every answer to the allowed origin', () => {
  const ORIGIN = 'http://127.0.0.1:8080';

  async function corsApp() {
    const { logger } = captureLogs();
    const authenticate = createAuthenticate(async () => {
      throw new AppError({ code: 'token_invalid', status: 401, title: 'Unauthorized' });
    });
    app = await createHttpApp({
      name: 'test',
      version: '1.0.0',
      logger,
      readiness: [],
      authenticate,
      bodyLimit: 1024,
      corsOrigins: [ORIGIN],
    });
    const fail = (status: number, code: 'forbidden' | 'rate_limited', headers?: Record<string, string>) => {
      throw new AppError({ code, status, title: code, ...(headers === undefined ? {} : { headers }) });
    };
    app.get('/ok', async () => ({ ok: true }));
    app.get('/moved', async (_request, reply) => reply.redirect('/ok'));
    app.get('/secured', { schema: { security: [{ bearerAuth: [] }] } }, async () => ({ ok: true }));
    app.get('/forbidden', async () => fail(403, 'forbidden'));
    app.get('/limited', async () => fail(429, 'rate_limited', { 'retry-after': '7' }));
    app.post('/echo', async (request) => request.body);
    app.get('/boom', async () => {
      throw new Error('unexpected');
    });
    return app;
  }

  it.each([
    ['GET', '/ok', 200],
    ['GET', '/moved', 302],
    ['GET', '/secured', 401],
    ['GET', '/forbidden', 403],
    ['GET', '/nowhere', 404],
    ['POST', '/echo', 413],
    ['GET', '/limited', 429],
    ['GET', '/boom', 500],
  ] as const)('%s %s → %i carries the CORS headers', async (method, url, status) => {
    const app = await corsApp();
    const response = await app.inject({
      method,
      url,
      headers: { origin: ORIGIN, authorization: 'Bearer revoked' },
      ...(method === 'POST' ? { payload: { text: 'x'.repeat(4096) } } : {}),
    });
    expect(response.statusCode).toBe(status);
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
  });

  it('lets the page read Retry-After and the correlation id of a refusal', async () => {
    const app = await corsApp();
    const response = await app.inject({ method: 'GET', url: '/limited', headers: { origin: ORIGIN } });
    const exposed = String(response.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['retry-after', 'x-correlation-id']));
  });

  it('answers a preflight before authentication, and gives other origins nothing', async () => {
    const app = await corsApp();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/secured',
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    const other = await app.inject({
      method: 'GET',
      url: '/secured',
      headers: { origin: 'http://evil.example' },
    });
    expect(other.statusCode).toBe(401);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
