import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { loadConfig } from '@relay/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { objectStorageOptions, s3Env } from '../src/env.ts';
import { ObjectNotFound, ObjectStorage } from '../src/object-storage.ts';

const storage = new ObjectStorage(objectStorageOptions(loadConfig(s3Env)));
const keys: string[] = [];
afterAll(async () => {
  await storage.delete(keys);
  storage.close();
});

describe('ObjectStorage on the real S3-API server', () => {
  it('puts, gets and deletes an object', async () => {
    const key = `test/${randomUUID()}.txt`;
    keys.push(key);
    await storage.put(key, 'hello s3', 'text/plain');
    expect((await storage.getBuffer(key)).toString()).toBe('hello s3');
    await storage.delete([key]);
    await expect(storage.getBuffer(key)).rejects.toThrow();
    await expect(storage.getStream(key)).rejects.toBeInstanceOf(ObjectNotFound);
  });

  it('streams a multi-part upload without holding it whole', async () => {
    const key = `test/${randomUUID()}.bin`;
    keys.push(key);
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 12; i++) yield chunk;
      })(),
    );
    await storage.put(key, body, 'application/octet-stream');
    const stored = await storage.getBuffer(key);
    expect(stored.length).toBe(12 * 1024 * 1024);
    expect(stored.every((byte) => byte === 7)).toBe(true);
  });

  it('serves a presigned GET that works without credentials and names the download', async () => {
    const key = `test/${randomUUID()}.txt`;
    keys.push(key);
    await storage.put(key, 'presigned body', 'text/plain');
    const url = await storage.presignedGetUrl(key, 60, 'report.txt');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('presigned body');
    expect(response.headers.get('content-disposition')).toContain('report.txt');

    const tampered = url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`);
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('reaches its bucket', async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
    expect(await storage.ensureBucket()).toBe(false);
  });
});
