import { resolve } from 'node:path';
import { createLogger } from '@relay/platform';
import { runEntryPoint } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../src/app.ts';
import { loadGatewayConfig } from '../src/config.ts';

let gateway: Gateway;
let baseUrl: string;

beforeAll(async () => {
  const config = loadGatewayConfig();
  gateway = await buildGateway(config, createLogger({ name: 'gateway-test', level: 'silent' }));
  baseUrl = await gateway.http.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  for (const step of gateway?.shutdownSteps ?? []) await step.close();
});

describe('gateway process', () => {
  it('is ready only when PostgreSQL, Redis, Kafka and S3 all answer', async () => {
    const response = await fetch(`${baseUrl}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok', kafka: 'ok', s3: 'ok' },
    });
  });

  it('serves its OpenAPI document', async () => {
    const response = await fetch(`${baseUrl}/docs/json`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { info: { title: string } }).info.title).toBe('Relay gateway');
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
    expect(result.stderr).not.toContain('S3_ACCESS_KEY_ID');
  });
});
