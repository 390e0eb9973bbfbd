import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, ROOT, runEntryPoint, startProcess, stopAllProcesses } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeUser, call, type Running, startGateway } from './helpers.ts';

/**
 * Conversion options end to end: gateway → convert-api → convert-worker (real LibreOffice), as
 * production runs them, on a queue of this run's own.
 */
const run = promisify(execFile);
const FIXTURES = join(ROOT, 'services/convert/test/fixtures/formats');
const prefix = `relay-jobs-gateway-options-${randomUUID().slice(0, 8)}`;
let gateway: Running;

beforeAll(async () => {
  const [convertPort, workerPort] = [await freePort(), await freePort()];
  const convertUrl = `http://127.0.0.1:${convertPort}`;
  gateway = await startGateway({ CONVERT_URL: convertUrl });
  const env = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const migrated = await runEntryPoint(join(ROOT, 'services/convert/src/migrate.ts'), env, 60_000);
  expect(migrated.code, migrated.stderr).toBe(0);
  const shared = {
    GATEWAY_JWKS_URL: `${gateway.baseUrl}/.well-known/jwks.json`,
    JOBS_PREFIX: prefix,
    CONVERT_MERGE_MAX_FILES: '3',
  };
  await startProcess(join(ROOT, 'services/convert/src/main.ts'), {
    env: { ...shared, CONVERT_PORT: String(convertPort) },
    readyUrl: `${convertUrl}/readyz`,
  });
  await startProcess(join(ROOT, 'services/convert/src/worker.ts'), {
    env: { ...shared, CONVERT_POOL_SIZE: '1', CONVERT_WORKER_PORT: String(workerPort) },
    readyUrl: `http://127.0.0.1:${workerPort}/healthz`,
  });
}, 120_000);

afterAll(async () => {
  await stopAllProcesses();
  await gateway?.close();
});

async function upload(token: string, files: Array<[Blob, string]>, fields: Record<string, string>) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  for (const [blob, name] of files) form.append('file', blob, name);
  const response = await fetch(`${gateway.baseUrl}/api/conversions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field
  const json: any = await response.json();
  return { status: response.status, json };
}

async function finished(token: string, id: string) {
  const get = async () => (await call(gateway.baseUrl, 'GET', `/api/conversions/${id}`, { token })).json;
  await expect.poll(async () => (await get()).status, { timeout: 90_000 }).toMatch(/^(done|failed)$/);
  return get();
}

async function downloaded(token: string, id: string): Promise<string> {
  const { json } = await call(gateway.baseUrl, 'GET', `/api/conversions/${id}/download`, {
    token,
    headers: { accept: 'application/json' },
  });
  const path = join(tmpdir(), `gateway-options-${id}.pdf`);
  await writeFile(path, new Uint8Array(await (await fetch(json.url)).arrayBuffer()));
  return path;
}

const text = (body: string) => new Blob([body], { type: 'text/plain' });

describe('conversion options through the gateway', () => {
  it('merges files in the order sent, keeps the pages asked for, and opens a protected file with its password', async () => {
    const { accessToken } = await activeUser('Options');
    const encrypted = new Blob([new Uint8Array(await readFile(join(FIXTURES, 'encrypted.docx')))]);
    const merged = await upload(
      accessToken,
      [
        [text('ALPHA-PART\n'), 'a.txt'],
        [encrypted, 'locked.docx'],
        [text('GAMMA-PART\n'), 'c.txt'],
      ],
      { target: 'pdf', merge: 'true', pages: '2-3', password: 'secret' },
    );
    expect(merged.status).toBe(202);
    expect(merged.json).toMatchObject({
      pages: '2-3',
      sources: [{ name: 'a.txt' }, { name: 'locked.docx' }, { name: 'c.txt' }],
    });
    expect(await finished(accessToken, merged.json.id)).toMatchObject({ status: 'done' });
    const path = await downloaded(accessToken, merged.json.id);
    const words = (await run('pdftotext', [path, '-'])).stdout;
    expect(words).not.toContain('ALPHA-PART');
    expect(words.indexOf('RELAY-FIXTURE')).toBeGreaterThanOrEqual(0);
    expect(words.indexOf('GAMMA-PART')).toBeGreaterThan(words.indexOf('RELAY-FIXTURE'));
    await rm(path);
  }, 120_000);

  it('a PDF/A-1b job is stored with its level and its XMP says part 1', async () => {
    const { accessToken } = await activeUser('Archivist');
    const docx = new Blob([new Uint8Array(await readFile(join(FIXTURES, 'sample.docx')))]);
    const job = await upload(accessToken, [[docx, 'a.docx']], { target: 'pdf', pdfa: '1b' });
    expect(job.json.pdfa).toBe('1b');
    expect(await finished(accessToken, job.json.id)).toMatchObject({ status: 'done' });
    const path = await downloaded(accessToken, job.json.id);
    expect((await run('pdfinfo', ['-meta', path])).stdout).toContain('<pdfaid:part>1</pdfaid:part>');
    await rm(path);
  }, 120_000);

  it('relays every refusal as convert-api gave it', async () => {
    const { accessToken } = await activeUser('Refused');
    const two: Array<[Blob, string]> = [
      [text('one'), 'one.txt'],
      [text('two'), 'two.txt'],
    ];
    expect(await upload(accessToken, two, { target: 'pdf' })).toMatchObject({
      status: 400,
      json: { code: 'too_many_files' },
    });
    const four = [...two, ...two];
    expect(await upload(accessToken, four, { target: 'pdf', merge: 'true' })).toMatchObject({
      status: 400,
      json: { code: 'too_many_files', detail: 'At most 3 files can be merged into one PDF.' },
    });
    expect(await upload(accessToken, [[text('x'), 'x.txt']], { target: 'pdf', pages: '3-1' })).toMatchObject({
      status: 400,
      json: { code: 'option_invalid' },
    });
    expect(await upload(accessToken, two, { target: 'pdf', merge: 'true', pdfa: '2b' })).toMatchObject({
      status: 422,
      json: { code: 'option_unsupported' },
    });
  });

  it('documents the option fields and several file parts in OpenAPI', async () => {
    const { json } = await call(gateway.baseUrl, 'GET', '/docs/json');
    const schema = json.paths['/api/conversions'].post.requestBody.content['multipart/form-data'].schema;
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['file', 'merge', 'pages', 'password', 'pdfa', 'pdfua', 'target'].sort(),
    );
    expect(schema.properties.file.type).toBe('array');
    expect(schema.properties.pdfa.enum).toEqual(['1b', '2b', '3b', 'true', 'false']);
  });
});
