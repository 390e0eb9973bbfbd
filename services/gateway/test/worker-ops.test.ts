import { createLogger } from '@relay/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGatewayWorker, type GatewayWorker } from '../src/app.ts';
import { testConfig } from './helpers.ts';

const logger = createLogger({ name: 'gateway-worker-test', level: process.env.LOG_LEVEL ?? 'silent' });
const workers: GatewayWorker[] = [];
afterAll(async () => {
  for (const worker of workers) for (const step of worker.shutdownSteps) await step.close();
});

describe('gateway-worker ops server', () => {
  it('serves /healthz, /readyz (PostgreSQL, Redis, the mail worker) and /metrics when GATEWAY_WORKER_PORT is set', async () => {
    const worker = await buildGatewayWorker(testConfig({ GATEWAY_WORKER_PORT: '0' }), logger);
    workers.push(worker);
    const baseUrl = await worker.http?.listen({ host: '127.0.0.1', port: 0 });
    expect(baseUrl).toBeDefined();

    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.stringify(await ready.json())).toMatch(/postgres.*redis.*mail-worker/);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toContain('service="gateway-worker"');
  });

  it('reports not ready once its job worker has stopped', async () => {
    const worker = await buildGatewayWorker(testConfig({ GATEWAY_WORKER_PORT: '0' }), logger);
    workers.push(worker);
    const baseUrl = await worker.http?.listen({ host: '127.0.0.1', port: 0 });
    const mailWorker = worker.shutdownSteps.find((step) => step.name === 'mail-worker');
    await mailWorker?.close();
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(503);
  });

  it('serves nothing when GATEWAY_WORKER_PORT is unset or empty', async () => {
    for (const port of [undefined, '']) {
      const overrides: Record<string, string> = port === undefined ? {} : { GATEWAY_WORKER_PORT: port };
      const worker = await buildGatewayWorker(testConfig(overrides), logger);
      workers.push(worker);
      expect(worker.http).toBeUndefined();
    }
  });
});
