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
    const { accessToken, email } = await activeUser('Grace');
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
    const { accessToken } = await activeUser();
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

    // Chats show each member's small photo, by a link of its own.
    const chat = await call(gateway.baseUrl, 'POST', '/api/chats', { token: accessToken, body: {} });
    const [member] = chat.json.members;
    expect(member.photoUrl).toMatch(/\/small\.webp\?/);
    expect(
      (await sharp(Buffer.from(await (await fetch(member.photoUrl)).arrayBuffer())).metadata()).width,
    ).toBe(64);

    const userId = first.json.id;
    const second = await uploadPhoto(accessToken, await image('webp', 300, 300), 'new.webp', 'image/webp');
    expect(second.status).toBe(200);
    expect(second.json.photo.medium).not.toBe(medium);
    expect((await fetch(medium)).status).toBe(404);
    expect(await storage.listKeys(`users/${userId}/photos/`)).toHaveLength(3);

    const removed = await call(gateway.baseUrl, 'DELETE', '/api/users/me/photo', { token: accessToken });
    expect(removed.json.photo).toBeNull();
    const listed = await call(gateway.baseUrl, 'GET', '/api/chats', { token: accessToken });
    expect(listed.json.chats[0].members[0].photoUrl).toBeNull();
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
    const { accessToken } = await activeUser();
    const result = await uploadPhoto(accessToken, await makeBytes());
    expect(result.status).toBe(status);
    expect(result.json.code).toBe(code);
    const me = await call(gateway.baseUrl, 'GET', '/api/users/me', { token: accessToken });
    expect(me.json.photo).toBeNull();
    expect(await storage.listKeys(`users/${me.json.id}/`)).toEqual([]);
  });

  it('bounds the photo by its own limit (PHOTO_MAX_BYTES), not an app-wide one', async () => {
    const small = await startGateway({ PHOTO_MAX_BYTES: '50000' });
    try {
      const { accessToken } = await activeUser();
      const form = new FormData();
      const bytes = Buffer.concat([await image('png'), Buffer.alloc(60_000)]);
      form.append('photo', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'me.png');
      const response = await fetch(`${small.baseUrl}/api/users/me/photo`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${accessToken}` },
        body: form,
      });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { code: string }).code).toBe('payload_too_large');
    } finally {
      await small.close();
    }
  });

  it('asks for multipart when the body is not', async () => {
    const { accessToken } = await activeUser();
    const result = await call(gateway.baseUrl, 'PUT', '/api/users/me/photo', {
      token: accessToken,
      body: { x: 1 },
    });
    expect(result.status).toBe(400);
    expect(result.json.code).toBe('photo_missing');
  });
});

describe('profile photo: malformed multipart', () => {
  const boundary = 'relay-test-boundary';
  const part = (body: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="me.png"\r\n` +
    `Content-Type: image/png\r\n\r\n${body}`;

  it.each([
    ['multipart without a boundary', 'multipart/form-data', part('x'), 'multipart_malformed'],
    [
      'a boundary the body does not use',
      'multipart/form-data; boundary=another',
      part('x'),
      'multipart_malformed',
    ],
    [
      'a body cut off inside the file',
      `multipart/form-data; boundary=${boundary}`,
      part('\x89PNG\r\n'),
      'multipart_malformed',
    ],
    [
      'a malformed part header',
      `multipart/form-data; boundary=${boundary}`,
      `--${boundary}\r\nContent-Disposition\r\n\r\nx\r\n--${boundary}--\r\n`,
      'photo_missing',
    ],
    ['an empty multipart body', `multipart/form-data; boundary=${boundary}`, '', 'photo_missing'],
    ['another multipart type', `multipart/mixed; boundary=${boundary}`, part('x'), 'unsupported_media_type'],
    ['a non-multipart content type', 'application/octet-stream', 'not a form', 'unsupported_media_type'],
    ['text', 'text/plain', 'not a form', 'photo_missing'],
  ])('answers %s with a 4xx problem, never a 500', async (_name, contentType, body, code) => {
    const { accessToken } = await activeUser();
    const response = await fetch(`${gateway.baseUrl}/api/users/me/photo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': contentType },
      body,
    });
    const problem = (await response.json()) as { status: number; code: string; detail?: string };
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(problem.status).toBe(response.status);
    expect(problem.code).toBe(code);
    expect(problem.detail).toBeTruthy();
  });
});

describe('profile photo: dimensions', () => {
  it('refuses a photo of more than 25 megapixels from its header, before decoding it', async () => {
    const { accessToken } = await activeUser();
    // 6000 x 6000 at 1 bit per pixel: a few kilobytes on the wire, 36 MP to decode.
    const bomb = await sharp({ create: { width: 6000, height: 6000, channels: 3, background: '#fff' } })
      .png({ palette: true, colours: 2 })
      .toBuffer();
    const started = performance.now();
    const result = await uploadPhoto(accessToken, bomb);
    const elapsedMs = performance.now() - started;
    expect(result.status).toBe(422);
    expect(result.json.code).toBe('photo_too_large');
    expect(result.json.detail).toContain('6000 × 6000');
    expect(result.json.detail).toContain('25 megapixels');
    expect(elapsedMs).toBeLessThan(500);
    const me = await call(gateway.baseUrl, 'GET', '/api/users/me', { token: accessToken });
    expect(me.json.photo).toBeNull();
  });
});
