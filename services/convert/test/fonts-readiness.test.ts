import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@relay/platform';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvertProcess } from '../src/app.ts';
import { type ConvertConfig, loadConvertConfig } from '../src/config.ts';
import { convertJob, maintenanceJob } from '../src/conversions/conversion.jobs.ts';
import { buildConvertWorker } from '../src/worker-app.ts';

const prefix = `fonts-readiness-test-${randomUUID().slice(0, 8)}`;
let scratch: string;
let config: ConvertConfig;
let worker: ConvertProcess;
let workerUrl: string;

beforeAll(async () => {
  // This machine as it was before the fonts: fontconfig sees DejaVu alone (the process's own view; the
  // rest of the suite runs in other workers). The HTTP engine keeps LibreOffice out of this test.
  scratch = await mkdtemp(join(tmpdir(), 'fonts-readiness-test-'));
  await writeFile(
    join(scratch, 'fonts.conf'),
    `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd"><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>${scratch}/cache</cachedir><include ignore_missing="yes">/etc/fonts/conf.d</include></fontconfig>`,
  );
  process.env.FONTCONFIG_FILE = join(scratch, 'fonts.conf');
  config = loadConvertConfig({
    ...process.env,
    JOBS_PREFIX: prefix,
    CHANNEL_LAYER_PREFIX: prefix,
    CONVERT_OFFICE_ENGINE: 'http',
    CONVERT_HTTP_ENGINE_URL: 'http://127.0.0.1:9',
  });
  worker = await buildConvertWorker(config, createLogger({ name: 'fonts-readiness-test', level: 'silent' }));
  workerUrl = await worker.http.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  delete process.env.FONTCONFIG_FILE;
  for (const step of worker?.shutdownSteps ?? []) await step.close();
  // The worker's own queues under this test's prefix, the maintenance schedule included.
  for (const name of [convertJob(1).queue, maintenanceJob.queue]) {
    const queue = new Queue(name, { connection: { url: config.REDIS_URL }, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await rm(scratch, { recursive: true, force: true });
});

describe('convert-worker without the fonts', () => {
  it('is not ready, and /readyz names each missing family, its fallback and the package to install', async () => {
    const response = await fetch(`${workerUrl}/readyz`);
    const { checks } = (await response.json()) as { checks: Record<string, string> };
    expect(response.status).toBe(503);
    expect(checks.fonts).toMatch(/^fonts missing: Calibri \(wants Carlito, gets DejaVu Sans\), Cambria /);
    expect(checks.fonts).toContain('Noto Sans CJK SC (wants Noto Sans CJK SC, gets DejaVu Sans)');
    expect(checks.fonts).toMatch(/; install fonts-crosextra-carlito .* fonts-noto-core and restart$/);
  });
});
