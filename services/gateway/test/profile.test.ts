import { ObjectStorage, objectStorageOptions } from '@relay/object-storage';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeUser, call, type Running, startGateway, startWorker, testConfig } from './helpers.ts';

let gateway: Running;
let worker: { close: () => Promise<void> };
const storage = new ObjectStorage(objectStorageOptions(testConfig()));

beforeAll(async () => {
  gateway = await startGateway();
  worker = startWorker();
});
afterAll(async () => {
  await Promise.all([gateway?.close(), worker?.close()]);
  storage.close();
});

const image = (format: 'png' | 'jpeg' | 'webp', width = 800, height = 600) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .withMetadata({ exif: { IFD0: { Copyright: 'secret-exif-marker' } } })
    [format]()
    .toBuffer();

async function uploadPhoto(token: string, bytes: Buffer, filename = 'me.png', type = 'image/png') {
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(bytes)], { type }), filename);
  const response = await fetch(`${gateway.baseUrl}/api/users/me/photo`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  // biome-ignore lint/suspicious/noExplicitAny: checked field by field
  return { status: response.status, json: (await response.json()) as any };
}

describe('profile', () => {
  it('reads and updates the signed-in user, validating each field', async () => {
    const { accessToken, email } = await activeUser(gateway.baseUrl, 'Grace');
    const me = await call(gateway.baseUrl, 'GET', '/api/users/me', { token: accessToken });
    expect(me.json).toMatchObject({ email, name: 'Grace', bio: '', photo: null });

    const patched = await call(gateway.baseUrl, 'PATCH', '/api/users/me', {
      token: accessToken,
      body: { name: '  Grace Hopper ', bio: 'Compilers.' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: 'Grace Hopper', bio: 'Compilers.' });

    const tooLong = await call(gateway.baseUrl, 'PATCH', '/api/users/me', {
      token: accessToken,
      body: { bio: 'x'.repeat(501) },
    });
    expect(tooLong.status).toBe(400);
    const unknownField = await call(gateway.baseUrl, 'PATCH', '/api/users/me', {
      token: accessToken,
      body: { email: 'new@example.com' },
    });
    expect(unknownField.status).toBe(400);
    expect((await call(gateway.baseUrl, 'GET', '/api/users/me', { token: accessToken })).json.email).toBe(
      email,
    );
  });
});

describe('profile photo', () => {
  it('resizes to three WebP sizes without metadata, served by presigned URLs; replacing deletes the old', async () => {
    const { accessToken } = await activeUser(gateway.baseUrl);
    const first = await uploadPhoto(accessToken, await image('jpeg'), 'me.jpg', 'image/jpeg');
    expect(first.status).toBe(200);
    const { small, medium, large } = first.json.photo;

    for (const [url, size] of [
      [small, 64],
      [medium, 256],
      [large, 1024],
    ] as const) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      const metadata = await sharp(bytes).metadata();
      expect(metadata).toMatchObject({ format: 'webp', width: size, height: size });
      expect(metadata.exif).toBeUndefined();
      expect(bytes.includes('secret-exif-marker')).toBe(false);
    }

    const userId = first.json.id;
    const second = await uploadPhoto(accessToken, await image('webp', 300, 300), 'new.webp', 'image/webp');
    expect(second.status).toBe(200);
    expect(second.json.photo.medium).not.toBe(medium);
    expect((await fetch(medium)).status).toBe(404);
    expect(await storage.listKeys(`users/${userId}/photos/`)).toHaveLength(3);

    const removed = await call(gateway.baseUrl, 'DELETE', '/api/users/me/photo', { token: accessToken });
    expect(removed.json.photo).toBeNull();
    expect(await storage.listKeys(`users/${userId}/photos/`)).toEqual([]);
  });

  it.each([
    [
      'a text file named .png',
      () => Buffer.from('just some text, not an image at all'),
      415,
      'photo_invalid',
    ],
    ['a truncated JPEG', async () => (await image('jpeg')).subarray(0, 2000), 415, 'photo_invalid'],
    [
      'a GIF (not accepted)',
      () => Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'),
      415,
      'photo_invalid',
    ],
    [
      'a 20 MB file',
      async () => Buffer.concat([await image('png'), Buffer.alloc(20 * 1024 * 1024)]),
      413,
      'payload_too_large',
    ],
  ])('rejects %s with a clear 4xx and stores nothing', async (_name, makeBytes, status, code) => {
    const { accessToken } = await activeUser(gateway.baseUrl);
    const result = await uploadPhoto(accessToken, await makeBytes());
    expect(result.status).toBe(status);
    expect(result.json.code).toBe(code);
    const me = await call(gateway.baseUrl, 'GET', '/api/users/me', { token: accessToken });
    expect(me.json.photo).toBeNull();
    expect(await storage.listKeys(`users/${me.json.id}/`)).toEqual([]);
  });

  it('asks for multipart when the body is not', async () => {
    const { accessToken } = await activeUser(gateway.baseUrl);
    const result = await call(gateway.baseUrl, 'PUT', '/api/users/me/photo', {
      token: accessToken,
      body: { x: 1 },
    });
    expect(result.status).toBe(400);
    expect(result.json.code).toBe('photo_missing');
  });
});
