import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Conversion } from '@relay/contracts';
import { createLogger } from '@relay/platform';
import { TestTokenIssuer } from '@relay/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConvertService, type ConvertProcess, migrateConvert } from '../src/app.ts';
import { type ConvertConfig, loadConvertConfig } from '../src/config.ts';
import { buildConvertWorker } from '../src/worker-app.ts';
import { docxPackage, wordParagraph } from './engines/fixtures.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures/formats');
const logger = createLogger({ name: 'fair-share-test', level: 'silent' });
const FLOOD = 60;

let issuer: TestTokenIssuer;
let docx: Blob;
/** Ada's documents: 30 pages each, a few times Grace's one-page letter to convert. */
const report = new Blob([
  new Uint8Array(
    docxPackage(
      Array.from(
        { length: 30 },
        (_, page) =>
          `${wordParagraph(`Chapter ${page + 1}. ${'A sentence of the quarterly report. '.repeat(60)}`)}<w:p><w:r><w:br w:type="page"/></w:r></w:p>`,
      ).join(''),
    ),
  ),
]);
const started: ConvertProcess[] = [];
const prefixes: string[] = [];

beforeAll(async () => {
  issuer = await TestTokenIssuer.start();
  docx = new Blob([await readFile(join(FIXTURES, 'sample.docx'))]);
});

afterAll(async () => {
  for (const process of started.reverse()) for (const step of process.shutdownSteps) await step.close();
  for (const prefix of prefixes) {
    const queue = new Queue('convert', { connection: { url: process.env.REDIS_URL }, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await issuer?.close();
}, 60_000);

/** A config whose queue and channel layer are this run's own. */
async function configWith(overrides: Record<string, string>): Promise<ConvertConfig> {
  const prefix = `fair-share-test-${randomUUID().slice(0, 8)}`;
  prefixes.push(prefix);
  const config = loadConvertConfig({
    ...process.env,
    GATEWAY_JWKS_URL: issuer.jwksUrl,
    JOBS_PREFIX: prefix,
    CHANNEL_LAYER_PREFIX: prefix,
    ...overrides,
  });
  await migrateConvert(config);
  return config;
}

async function startApi(config: ConvertConfig): Promise<string> {
  const api = await buildConvertService(config, logger);
  started.push(api);
  return api.http.listen({ host: '127.0.0.1', port: 0 });
}

async function upload(baseUrl: string, owner: string, file = docx): Promise<Response> {
  const form = new FormData();
  form.set('target', 'pdf');
  form.set('file', file, 'letter.docx');
  return fetch(`${baseUrl}/conversions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
    body: form,
  });
}

async function statusOf(baseUrl: string, owner: string, id: string): Promise<Conversion['status']> {
  const response = await fetch(`${baseUrl}/conversions/${id}`, {
    headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
  });
  return ((await response.json()) as Conversion).status;
}

/** Uploads one file and waits for it to be done: the seconds from sending to `done`. */
async function secondsToDone(baseUrl: string, owner: string): Promise<number> {
  const began = performance.now();
  const response = await upload(baseUrl, owner);
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as Conversion;
  await expect.poll(() => statusOf(baseUrl, owner, id), { timeout: 60_000, interval: 25 }).toBe('done');
  return (performance.now() - began) / 1000;
}

describe('the per-person cap', () => {
  it('lets one person have 3 jobs pending, however many uploads race: the rest get 429 with Retry-After', async () => {
    // No worker: what is accepted stays queued.
    const baseUrl = await startApi(await configWith({ CONVERT_MAX_ACTIVE_PER_USER: '3' }));
    const ada = randomUUID();
    const answers = await Promise.all(Array.from({ length: 8 }, () => upload(baseUrl, ada)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([202, 202, 202, 429, 429, 429, 429, 429]);
    const refused = answers.find((answer) => answer.status === 429) as Response;
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await refused.json()).toMatchObject({
      status: 429,
      code: 'too_many_conversions',
      detail: expect.stringContaining('3 conversions queued or converting'),
    });
    const listed = await fetch(`${baseUrl}/conversions`, {
      headers: { authorization: `Bearer ${await issuer.tokenFor(ada)}` },
    });
    expect(((await listed.json()) as { conversions: unknown[] }).conversions).toHaveLength(3);
    // The cap is one person's: someone else still gets in.
    expect((await upload(baseUrl, randomUUID())).status).toBe(202);
  });
});

describe('fair sharing between people', () => {
  it(`keeps one person's single job within 3× its time alone + 1 s while another's ${FLOOD} wait`, async () => {
    const config = await configWith({ CONVERT_POOL_SIZE: '2', CONVERT_MAX_ACTIVE_PER_USER: String(FLOOD) });
    const baseUrl = await startApi(config);
    const worker = await buildConvertWorker(config, logger);
    started.push(worker);
    const grace = randomUUID();
    const ada = randomUUID();

    // Warm instances first; then Grace's time alone, the best of three.
    await secondsToDone(baseUrl, grace);
    const alone = Math.min(
      await secondsToDone(baseUrl, grace),
      await secondsToDone(baseUrl, grace),
      await secondsToDone(baseUrl, grace),
    );

    const flood = await Promise.all(
      Array.from({ length: FLOOD }, async () => {
        const response = await upload(baseUrl, ada, report);
        expect(response.status).toBe(202);
        return ((await response.json()) as Conversion).id;
      }),
    );
    const shared = await secondsToDone(baseUrl, grace);
    const floodStatuses = await Promise.all(flood.map((id) => statusOf(baseUrl, ada, id)));
    const floodLeft = floodStatuses.filter((status) => status === 'queued' || status === 'converting').length;

    console.log(
      `fair share: Grace alone ${alone.toFixed(2)} s, behind Ada's flood ${shared.toFixed(2)} s; ${floodLeft} of Ada's ${FLOOD} still pending`,
    );
    expect(shared).toBeLessThanOrEqual(3 * alone + 1);
    // Grace went ahead of the flood rather than the flood being quick: most of it still waits.
    expect(floodLeft).toBeGreaterThanOrEqual(FLOOD / 2);
    // And Ada's jobs all finish.
    await expect
      .poll(
        async () =>
          (await Promise.all(flood.map((id) => statusOf(baseUrl, ada, id)))).every(
            (status) => status === 'done',
          ),
        { timeout: 120_000, interval: 500 },
      )
      .toBe(true);
  }, 240_000);
});
