import { resolve } from 'node:path';
import { createLogger } from '@relay/platform';
import { runEntryPoint } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConvertService, type ConvertProcess } from '../src/app.ts';
import { loadConvertConfig } from '../src/config.ts';

let service: ConvertProcess;
let baseUrl: string;

beforeAll(async () => {
  service = await buildConvertService(
    loadConvertConfig(),
    createLogger({ name: 'convert-test', level: 'silent' }),
  );
  baseUrl = await service.http.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  for (const step of service?.shutdownSteps ?? []) await step.close();
});

describe('convert-api process', () => {
  it('is ready only when PostgreSQL, Redis and S3 answer', async () => {
    // Connections are still being made right after start; readiness settles once they are up.
    await expect.poll(async () => (await fetch(`${baseUrl}/readyz`)).status, { timeout: 10_000 }).toBe(200);
    const response = await fetch(`${baseUrl}/readyz`);
    expect(((await response.json()) as { checks: unknown }).checks).toEqual({
      postgres: 'ok',
      redis: 'ok',
      s3: 'ok',
    });
  });

  it('refuses to start without its S3 credentials, naming them', async () => {
    const result = await runEntryPoint(resolve(import.meta.dirname, '../src/main.ts'), {
      CONVERT_DATABASE_URL: 'postgres://relay@127.0.0.1:5432/relay_convert',
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/S3_ACCESS_KEY_ID: /);
    expect(result.stderr).toMatch(/S3_SECRET_ACCESS_KEY: /);
  });
});
