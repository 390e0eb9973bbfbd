import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ChannelLayer } from '@relay/channel-layer';
import { type ChannelEvent, type Conversion, Groups } from '@relay/contracts';
import { JobQueue } from '@relay/jobs';
import { ObjectStorage, objectStorageOptions } from '@relay/object-storage';
import { createLogger } from '@relay/platform';
import { bullmqConnection } from '@relay/redis';
import { TestTokenIssuer } from '@relay/testing';
import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConvertService, type ConvertProcess, connect, migrateConvert } from '../src/app.ts';
import { type ConvertConfig, loadConvertConfig } from '../src/config.ts';
import { convertJob } from '../src/conversions/conversion.jobs.ts';
import { conversions } from '../src/conversions/conversions.schema.ts';
import { expireConversions, requeueStale } from '../src/conversions/maintenance.handler.ts';
import { buildConvertWorker } from '../src/worker-app.ts';
import { buildZip } from './fixtures/zip-writer.ts';

const run = promisify(execFile);
const FIXTURES = join(import.meta.dirname, 'fixtures/formats');
const RELS =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const logger = createLogger({
  name: 'convert-worker-test',
  level: (process.env.TEST_LOG_LEVEL as 'info') ?? 'silent',
});
const prefix = `convert-worker-test-${randomUUID().slice(0, 8)}`;

let issuer: TestTokenIssuer;
let config: ConvertConfig;
let api: ConvertProcess;
let worker: ConvertProcess;
let baseUrl: string;
let workerUrl: string;
let channelLayer: ChannelLayer;
let storage: ObjectStorage;
let scratch: string;

beforeAll(async () => {
  issuer = await TestTokenIssuer.start();
  config = loadConvertConfig({
    ...process.env,
    GATEWAY_JWKS_URL: issuer.jwksUrl,
    JOBS_PREFIX: prefix,
    CHANNEL_LAYER_PREFIX: prefix,
    CONVERT_POOL_SIZE: '1',
  });
  await migrateConvert(config);
  api = await buildConvertService(config, logger);
  baseUrl = await api.http.listen({ host: '127.0.0.1', port: 0 });
  worker = await buildConvertWorker(config, logger);
  workerUrl = await worker.http.listen({ host: '127.0.0.1', port: 0 });
  channelLayer = new ChannelLayer({ redisUrl: config.REDIS_URL, prefix, logger });
  storage = new ObjectStorage(objectStorageOptions(config));
  scratch = await mkdtemp(join(tmpdir(), 'convert-worker-test-'));
}, 120_000);

afterAll(async () => {
  for (const step of worker?.shutdownSteps ?? []) await step.close();
  for (const step of api?.shutdownSteps ?? []) await step.close();
  const queue = new Queue('convert', { connection: { url: config.REDIS_URL }, prefix });
  await queue.obliterate({ force: true });
  await queue.close();
  await channelLayer?.close();
  storage?.close();
  await issuer?.close();
  await rm(scratch, { recursive: true, force: true });
}, 60_000);

/** Uploads as `owner` and collects the statuses the owner's group hears until the job ends. */
async function convert(owner: string, file: Blob, name: string, target = 'pdf') {
  const heard: ChannelEvent[] = [];
  const listener = (event: ChannelEvent) => heard.push(event);
  await channelLayer.groupAdd(Groups.user(owner), listener);
  try {
    const form = new FormData();
    form.set('target', target);
    form.set('file', file, name);
    const response = await fetch(`${baseUrl}/conversions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
      body: form,
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as Conversion;
    const statuses = () =>
      heard.flatMap((event) =>
        event.type === 'conversion.status' && event.status.conversionId === id ? [event.status] : [],
      );
    await expect.poll(() => statuses().at(-1)?.status, { timeout: 60_000 }).toMatch(/^(done|failed)$/);
    const job = (await (
      await fetch(`${baseUrl}/conversions/${id}`, {
        headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
      })
    ).json()) as Conversion;
    return { id, job, statuses: statuses() };
  } finally {
    await channelLayer.groupDiscard(Groups.user(owner), listener);
  }
}

async function download(owner: string, id: string): Promise<{ response: Response; path: string }> {
  const redirect = await fetch(`${baseUrl}/conversions/${id}/download`, {
    headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
    redirect: 'manual',
  });
  expect(redirect.status).toBe(302);
  const response = await fetch(redirect.headers.get('location') as string);
  const path = join(scratch, `${id}.out`);
  await writeFile(path, Buffer.from(await response.arrayBuffer()));
  return { response, path };
}

describe('convert-worker', () => {
  it('is ready with the fonts documents name: each Office family resolves to its metric-compatible stand-in', async () => {
    await expect.poll(async () => (await fetch(`${workerUrl}/readyz`)).status, { timeout: 10_000 }).toBe(200);
    const report = (await (await fetch(`${workerUrl}/readyz`)).json()) as { checks: Record<string, string> };
    expect(report.checks).toMatchObject({ libreoffice: 'ok', chromium: 'ok', images: 'ok', fonts: 'ok' });
  });

  it('converts an upload: queued → converting → done, and the link downloads a PDF with its text', async () => {
    const owner = randomUUID();
    const marker = `marker-${randomUUID().slice(0, 8)}`;
    const { id, job, statuses } = await convert(owner, new Blob([`Hello ${marker}\n`]), 'hello.txt');
    expect(statuses.map((status) => status.status)).toEqual(['queued', 'converting', 'done']);
    expect(statuses.at(-1)?.downloadPath).toBe(`/api/conversions/${id}/download`);
    expect(job).toMatchObject({ status: 'done', resultName: 'hello.pdf', resultBytes: expect.any(Number) });
    const { response, path } = await download(owner, id);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toContain("filename*=UTF-8''hello.pdf");
    expect((await run('pdftotext', [path, '-'])).stdout).toContain(marker);
  });

  it('fails a password-protected file at once with a reason a person understands', async () => {
    const encrypted = await readFile(join(FIXTURES, 'encrypted.docx'));
    const { job, statuses } = await convert(
      randomUUID(),
      new Blob([new Uint8Array(encrypted)]),
      'secret.docx',
    );
    expect(statuses.map((status) => status.status)).toEqual(['queued', 'converting', 'failed']);
    expect(job.status).toBe('failed');
    expect(job.reason).toMatch(/password/i);
  });

  it('fails a document LibreOffice cannot read with a reason, not a stack trace', async () => {
    // Every part a docx needs, so the upload check lets it through, but its body is not XML.
    const docx = buildZip([
      { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
      { name: '_rels/.rels', data: Buffer.from(RELS) },
      { name: 'word/document.xml', data: Buffer.from('this is not <xml at all', 'utf8') },
    ]);
    const { job, statuses } = await convert(randomUUID(), new Blob([new Uint8Array(docx)]), 'damaged.docx');
    expect(statuses.map((status) => status.status)).toEqual(['queued', 'converting', 'failed']);
    expect(job.reason).toEqual(expect.any(String));
    expect(job.reason).not.toMatch(/Error|exception|at .*\.ts/);
  });

  it('fails a corrupt document with a reason, not a stack trace', async () => {
    // A real docx cut in half: its zip directory is gone, so the upload check refuses it as damaged,
    // or LibreOffice cannot read it; either way the owner gets a sentence.
    const docx = await readFile(join(FIXTURES, 'sample.docx'));
    const form = new FormData();
    form.set('target', 'pdf');
    form.set(
      'file',
      new Blob([new Uint8Array(docx.subarray(0, Math.floor(docx.length / 2)))]),
      'broken.docx',
    );
    const response = await fetch(`${baseUrl}/conversions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await issuer.tokenFor(randomUUID())}` },
      body: form,
    });
    const answer = (await response.json()) as { code?: string; detail?: string };
    expect(response.status).toBe(422);
    expect(answer.code).toBe('archive_invalid');
    expect(answer.detail).toMatch(/damaged|cannot be read|not a valid/i);
  });

  it('expires jobs past retention: its objects removed, the row says expired, the owner is told', async () => {
    const owner = randomUUID();
    const { id } = await convert(owner, new Blob(['to be expired\n']), 'old.txt');
    // Its thumbnail is made when first asked for: then there are the original, the result and it.
    const thumbnail = await fetch(`${baseUrl}/conversions/${id}/thumbnail`, {
      headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
    });
    expect(thumbnail.status).toBe(200);
    expect(await storage.listKeys(`conversions/${id}/`)).toHaveLength(3);
    const heard: ChannelEvent[] = [];
    const listener = (event: ChannelEvent) => heard.push(event);
    await channelLayer.groupAdd(Groups.user(owner), listener);
    const { repository, database, channelLayer: sweepLayer, storage: sweepStorage } = connect(config, logger);
    try {
      // Made eight days ago, past the default week: only this test's job is that old (others run beside it).
      await database.db
        .update(conversions)
        .set({ createdAt: new Date(Date.now() - 8 * 24 * 3_600_000) })
        .where(eq(conversions.id, id));
      const expired = await expireConversions({
        repository,
        storage: sweepStorage,
        channelLayer: sweepLayer,
        retentionMs: config.CONVERT_RETENTION_HOURS * 3_600_000,
        logger,
      });
      expect(expired).toBeGreaterThanOrEqual(1);
      expect(await storage.listKeys(`conversions/${id}/`)).toEqual([]);
      expect((await repository.find(id))?.status).toBe('expired');
      await expect
        .poll(() => heard.map((event) => event.type === 'conversion.status' && event.status.status))
        .toContain('expired');
      const link = await fetch(`${baseUrl}/conversions/${id}/download`, {
        headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
        redirect: 'manual',
      });
      expect(link.status).toBe(409);
    } finally {
      await channelLayer.groupDiscard(Groups.user(owner), listener);
      await sweepLayer.close();
      sweepStorage.close();
      await database.close();
    }
  });

  it('queues again a job whose row was committed but never queued (convert-api died in between); it converts', async () => {
    const owner = randomUUID();
    const id = randomUUID();
    const { repository, database, channelLayer: layer, storage: objects } = connect(config, logger);
    const queue = new JobQueue(
      convertJob(config.CONVERT_JOB_ATTEMPTS),
      bullmqConnection(config.REDIS_URL),
      prefix,
    );
    try {
      await objects.put(`conversions/${id}/source`, Buffer.from('left behind\n'), 'text/plain');
      await repository.insertWithinCap(
        {
          id,
          ownerId: owner,
          sourceName: 'orphan.txt',
          sourceFormat: 'txt',
          sourceBytes: 12,
          sourceKey: `conversions/${id}/source`,
          target: 'pdf',
          resultName: 'orphan.pdf',
          createdAt: new Date(Date.now() - 120_000),
          updatedAt: new Date(Date.now() - 120_000),
        },
        1,
      );
      expect(await requeueStale({ repository, queue, logger })).toBeGreaterThanOrEqual(1);
      await expect.poll(async () => (await repository.find(id))?.status, { timeout: 30_000 }).toBe('done');
    } finally {
      await queue.close();
      await layer.close();
      objects.close();
      await database.close();
    }
  });
});
