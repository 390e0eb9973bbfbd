import { resolve } from 'node:path';
import { runEntryPoint } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, startGateway } from './helpers.ts';

let gateway: Running;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(() => gateway?.close());

describe('gateway process', () => {
  it('is ready only when PostgreSQL, Redis, Kafka and S3 all answer', async () => {
    // Connections are still being made right after start; readiness settles once they are up.
    await expect
      .poll(async () => (await fetch(`${gateway.baseUrl}/readyz`)).status, { timeout: 10_000 })
      .toBe(200);
    const response = await fetch(`${gateway.baseUrl}/readyz`);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok', kafka: 'ok', s3: 'ok' },
    });
  });

  it('serves its OpenAPI document with every auth and profile route', async () => {
    const response = await fetch(`${gateway.baseUrl}/docs/json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { info: { title: string }; paths: Record<string, unknown> };
    expect(document.info.title).toBe('Relay gateway');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/signup',
        '/api/auth/activate',
        '/api/auth/resend-activation',
        '/api/auth/login',
        '/api/auth/refresh',
        '/api/auth/logout',
        '/api/auth/forgot-password',
        '/api/auth/reset-password',
        '/api/users/me',
        '/api/users/me/photo',
        '/.well-known/jwks.json',
      ]),
    );
  });

  it('refuses to start with a missing or invalid variable, naming it', async () => {
    const result = await runEntryPoint(resolve(import.meta.dirname, '../src/main.ts'), {
      GATEWAY_PORT: 'not-a-port',
      S3_ACCESS_KEY_ID: 'x',
      S3_SECRET_ACCESS_KEY: 'y',
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('refusing to start');
    expect(result.stderr).toMatch(/GATEWAY_PORT: /);
    expect(result.stderr).toMatch(/GATEWAY_DATABASE_URL: /);
    expect(result.stderr).toMatch(/JWT_PRIVATE_KEY: /);
    expect(result.stderr).not.toContain('S3_ACCESS_KEY_ID');
  });
});
