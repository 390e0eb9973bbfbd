import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, ROOT, runEntryPoint, startProcess, stopAllProcesses } from '@relay/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeUser, call, type Running, startGateway } from './helpers.ts';

const FORMATS = join(ROOT, 'services/convert/test/fixtures/formats');
/** Jobs of this file's own queue: only the convert-worker started here takes them. */
const JOBS_PREFIX = `relay-jobs-gateway-thumbnails-${process.pid}`;

let gateway: Running;

beforeAll(async () => {
  const convertPort = await freePort();
  const convertUrl = `http://127.0.0.1:${convertPort}`;
  gateway = await startGateway({ CONVERT_URL: convertUrl });
  const env = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const migrated = await runEntryPoint(join(ROOT, 'services/convert/src/migrate.ts'), env, 60_000);
  expect(migrated.code, migrated.stderr).toBe(0);
  const convertEnv = { GATEWAY_JWKS_URL: `${gateway.baseUrl}/.well-known/jwks.json`, JOBS_PREFIX };
  const workerPort = await freePort();
  await Promise.all([
    startProcess(join(ROOT, 'services/convert/src/main.ts'), {
      env: { ...convertEnv, CONVERT_PORT: String(convertPort) },
      readyUrl: `${convertUrl}/readyz`,
    }),
    startProcess(join(ROOT, 'services/convert/src/worker.ts'), {
      env: { ...convertEnv, CONVERT_WORKER_PORT: String(workerPort), CONVERT_POOL_SIZE: '1' },
      readyUrl: `http://127.0.0.1:${workerPort}/readyz`,
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await stopAllProcesses();
  await gateway?.close();
});

/** Uploads a fixture through the gateway and waits until its job is done. */
async function converted(token: string, fixture: string, target: string) {
  const form = new FormData();
  form.append('target', target);
  form.append('file', new Blob([new Uint8Array(await readFile(join(FORMATS, fixture)))]), fixture);
  const uploaded = await fetch(`${gateway.baseUrl}/api/conversions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(uploaded.status).toBe(202);
  const { id } = (await uploaded.json()) as { id: string };
  const job = () => call(gateway.baseUrl, 'GET', `/api/conversions/${id}`, { token });
  await expect.poll(async () => (await job()).json.status, { timeout: 60_000 }).toBe('done');
  return (await job()).json as { id: string; thumbnailPath: string | null };
}

describe('conversion thumbnails through the gateway', () => {
  it('streams the owner the WebP image at thumbnailPath; another user gets 404', async () => {
    const [owner, other] = await Promise.all([activeUser('Thumbnail owner'), activeUser('Thumbnail other')]);
    const job = await converted(owner.accessToken, 'sample.jpeg', 'png');
    expect(job.thumbnailPath).toBe(`/api/conversions/${job.id}/thumbnail`);

    const image = await fetch(`${gateway.baseUrl}${job.thumbnailPath}`, {
      headers: { authorization: `Bearer ${owner.accessToken}` },
    });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/webp');
    expect(image.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    const metadata = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect(metadata.format).toBe('webp');
    expect(metadata.width).toBeLessThanOrEqual(320);

    const refused = await call(gateway.baseUrl, 'GET', job.thumbnailPath ?? '', { token: other.accessToken });
    expect(refused.status).toBe(404);
    expect(refused.json.code).toBe('conversion_not_found');
    expect((await call(gateway.baseUrl, 'GET', job.thumbnailPath ?? '')).status).toBe(401);
  });

  it('relays thumbnail_unavailable for a result without pages', async () => {
    const owner = await activeUser('No thumbnail');
    const job = await converted(owner.accessToken, 'sample.docx', 'odt');
    expect(job.thumbnailPath).toBeNull();
    const refused = await call(gateway.baseUrl, 'GET', `/api/conversions/${job.id}/thumbnail`, {
      token: owner.accessToken,
    });
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.json.code).toBe('thumbnail_unavailable');
  });

  it('documents the route in OpenAPI', async () => {
    const { json: document } = await call(gateway.baseUrl, 'GET', '/docs/json');
    const route = document.paths['/api/conversions/{id}/thumbnail'].get;
    expect(Object.keys(route.responses['200'].content)).toEqual(['image/webp']);
    expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['200', '401', '404', '409', '503']));
  });
});
