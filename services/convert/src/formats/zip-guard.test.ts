import fs from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildZip, deflatedZeros } from '../../test/fixtures/zip-writer.ts';
import { DEFAULT_ARCHIVE_LIMITS, openCheckedZip } from './zip-guard.ts';

const MiB = 1024 * 1024;
let dir: string;
let bombPath: string;

const contentTypes = {
  name: '[Content_Types].xml',
  data: Buffer.from('<Types/>'),
  method: 'deflate' as const,
};
const wordDocument = {
  name: 'word/document.xml',
  data: Buffer.from('<w:document/>'),
  method: 'deflate' as const,
};

async function zipFile(name: string, entries: Parameters<typeof buildZip>[0]) {
  const path = join(dir, name);
  await writeFile(path, buildZip(entries));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-zip-guard-'));
  // A "docx" whose picture is 1 GiB of zeros, deflated to about 1 MiB.
  bombPath = await zipFile('bomb.docx', [
    contentTypes,
    wordDocument,
    { name: 'word/media/image1.png', compressed: await deflatedZeros(1024 * MiB) },
  ]);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// fs.read(fd, buffer, offset, length, position, callback): the length each read asked for.
const requestedBytes = (calls: readonly unknown[][]) => calls.reduce((sum, call) => sum + Number(call[3]), 0);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('openCheckedZip', () => {
  it('refuses a zip bomb from its central directory alone, reading a few KB of a 1 MiB file', async () => {
    // yauzl reads through fs.read: every byte the guard looks at passes here.
    const reads = vi.spyOn(fs, 'read');
    const rssBefore = process.memoryUsage().rss;

    const result = await openCheckedZip(bombPath);

    const bytesRead = requestedBytes(reads.mock.calls);
    expect(result).toMatchObject({ ok: false, code: 'archive_too_large' });
    expect(result.ok ? '' : result.detail).toContain('word/media/image1.png');
    const { size } = await stat(bombPath);
    expect(size).toBeGreaterThan(MiB / 2);
    // The end record and directory are a few hundred bytes (yauzl reads the last 64 KiB to find the end
    // record); inflating the entry would read the whole megabyte of deflate data.
    expect(bytesRead).toBeGreaterThan(0);
    expect(bytesRead).toBeLessThan(70 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * MiB);
  });

  it('refuses an entry compressed past the ratio limit even when its size is allowed', async () => {
    const path = await zipFile('ratio.docx', [
      contentTypes,
      wordDocument,
      { name: 'word/media/zeros.bin', compressed: await deflatedZeros(50 * MiB) },
    ]);
    const result = await openCheckedZip(path);
    expect(result).toMatchObject({ ok: false, code: 'archive_too_large' });
    expect(result.ok ? '' : result.detail).toMatch(/compressed [\d,]+:1/);
    // With a laxer ratio it passes: the refusal above is the ratio's, not the size's.
    const lax = await openCheckedZip(path, { ...DEFAULT_ARCHIVE_LIMITS, maxRatio: 10_000 });
    expect(lax.ok).toBe(true);
    if (lax.ok) lax.close();
  });

  it('refuses a total declared size over the limit, spread over entries each below it', async () => {
    const tenMiB = await deflatedZeros(10 * MiB);
    const path = await zipFile('total.docx', [
      contentTypes,
      wordDocument,
      ...Array.from({ length: 3 }, (_, i) => ({ name: `word/media/part${i}.bin`, compressed: tenMiB })),
    ]);
    const limits = { maxUncompressedBytes: 25 * MiB, maxEntries: 100, maxRatio: 100_000 };
    expect(await openCheckedZip(path, limits)).toMatchObject({
      ok: false,
      code: 'archive_too_large',
      detail: expect.stringContaining('more than 25 MiB'),
    });
  });

  it('refuses a 100,000-entry package from its end record, before walking the directory', async () => {
    const path = await zipFile('many.docx', [
      contentTypes,
      wordDocument,
      ...Array.from({ length: 100_000 }, (_, i) => ({ name: `word/p${i}.xml` })),
    ]);
    const reads = vi.spyOn(fs, 'read');
    const result = await openCheckedZip(path);
    expect(result).toMatchObject({ ok: false, code: 'archive_too_large' });
    expect(result.ok ? '' : result.detail).toContain('100,002 files');
    // The directory alone is megabytes; the refusal reads only the end records.
    const bytesRead = requestedBytes(reads.mock.calls);
    expect(bytesRead).toBeGreaterThan(0);
    expect(bytesRead).toBeLessThan(70 * 1024);
  });

  it.each([
    ['a duplicate name', [wordDocument, { ...wordDocument }], 'twice'],
    ['names differing only in case', [wordDocument, { ...wordDocument, name: 'Word/Document.xml' }], 'twice'],
    [
      'a nested archive',
      [wordDocument, { name: 'word/inner.zip', data: Buffer.from('PK') }],
      'another archive',
    ],
    ['an absolute path', [{ name: '/etc/passwd', data: Buffer.from('x') }], 'absolute path'],
    [
      'a path escaping upwards',
      [{ name: 'word/../../x.xml', data: Buffer.from('x') }],
      'invalid relative path',
    ],
    ['zip encryption', [{ ...wordDocument, encryptedFlag: true }], 'zip encryption'],
  ])('refuses %s as archive_invalid', async (_, entries, words) => {
    const result = await openCheckedZip(await zipFile('bad.docx', [contentTypes, ...entries]));
    expect(result).toMatchObject({ ok: false, code: 'archive_invalid' });
    expect(result.ok ? '' : result.detail).toContain(words);
  });

  it('refuses a file whose central directory cannot be read as archive_invalid', async () => {
    const whole = buildZip([contentTypes, wordDocument]);
    const path = join(dir, 'truncated.docx');
    await writeFile(path, whole.subarray(0, whole.length - 30));
    expect(await openCheckedZip(path)).toMatchObject({ ok: false, code: 'archive_invalid' });
  });

  it('passes a small package and reads an entry, refusing one larger than asked for', async () => {
    const zip = await openCheckedZip(await zipFile('fine.docx', [contentTypes, wordDocument]));
    if (!zip.ok) throw new Error(zip.detail);
    try {
      expect(zip.names).toEqual(['[Content_Types].xml', 'word/document.xml']);
      expect((await zip.readEntry('word/document.xml', 1024)).toString()).toBe('<w:document/>');
      await expect(zip.readEntry('word/document.xml', 4)).rejects.toThrow('declares 13 bytes');
    } finally {
      zip.close();
    }
  });
});
