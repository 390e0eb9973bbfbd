import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from './errors.ts';
import { createHttpApp, type HttpApp } from './http.ts';
import { createLogger } from './logger.ts';

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
});
