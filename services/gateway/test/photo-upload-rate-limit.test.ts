import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeUser, type Running, startGateway, startWorker } from './helpers.ts';

let gateway: Running;
let worker: { close: () => Promise<void> };

beforeAll(async () => {
  gateway = await startGateway({ PHOTO_UPLOADS_PER_HOUR: '2' });
  worker = startWorker();
});
afterAll(async () => {
  await Promise.all([gateway?.close(), worker?.close()]);
});

const photo = () =>
  sharp({ create: { width: 64, height: 64, channels: 3, background: '#c82858' } })
    .png()
    .toBuffer();

async function upload(token: string, bytes: Buffer) {
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'me.png');
  const response = await fetch(`${gateway.baseUrl}/api/users/me/photo`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  // biome-ignore lint/suspicious/noExplicitAny: checked field by field
  return { status: response.status, headers: response.headers, json: (await response.json()) as any };
}

describe('photo upload rate', () => {
  it('refuses the upload past the per-user limit with 429 and Retry-After; other users are unaffected', async () => {
    const greedy = await activeUser();
    const bytes = await photo();
    expect((await upload(greedy.accessToken, bytes)).status).toBe(200);
    expect((await upload(greedy.accessToken, bytes)).status).toBe(200);
    const third = await upload(greedy.accessToken, bytes);
    expect(third.status).toBe(429);
    expect(third.json.code).toBe('rate_limited');
    expect(third.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);

    const other = await activeUser();
    expect((await upload(other.accessToken, bytes)).status).toBe(200);
  });
});
