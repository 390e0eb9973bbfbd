import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SourceFormat } from '@relay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversionOptions } from '../../src/engines/engine.ts';
import { PASSWORD_NEEDED, WRONG_PASSWORD } from '../../src/engines/libreoffice/encryption.ts';
import type { LibreOfficePool } from '../../src/engines/libreoffice/pool.ts';
import { createLibreOfficeEngine } from '../../src/engines/libreoffice.engine.ts';
import {
  failure,
  flatText,
  newMarker,
  pdfInfo,
  pdfPages,
  pdfText,
  scratchDirectory,
  testPool,
} from './fixtures.ts';

const run = promisify(execFile);
const FIXTURES = join(import.meta.dirname, '../fixtures/formats');
/** The fixtures' password (make-fixtures.sh). */
const FIXTURE_PASSWORD = 'secret';

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let pool: LibreOfficePool;
let engine: ReturnType<typeof createLibreOfficeEngine>;
let fourPages: string;
const marker = newMarker();
let count = 0;

beforeAll(async () => {
  scratch = await scratchDirectory();
  pool = testPool(scratch.path, 1);
  engine = createLibreOfficeEngine(pool);
  await engine.start();
  // Each page names itself, so the pages kept can be read back from the text.
  const flat = join(scratch.path, 'four.fodt');
  await writeFile(flat, flatText(marker, 4));
  fourPages = join(scratch.path, 'four.odt');
  await pool.convert({ inputPath: flat, outputPath: fourPages, convertTo: 'odt', exportFilter: 'writer8' });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await scratch?.remove();
});

async function convert(inputPath: string, sourceFormat: SourceFormat, options: ConversionOptions) {
  count += 1;
  const outputPath = join(scratch.path, `result-${count}.pdf`);
  await engine.convert({ inputPath, outputPath, sourceFormat, target: 'pdf', options });
  return outputPath;
}

describe('PDF/A levels', () => {
  // LibreOffice 7.4 writes PDF/A-1 as level A (tagged), which meets every requirement of 1b too.
  it.each([
    ['1b', '1', 'A'],
    ['2b', '2', 'B'],
    ['3b', '3', 'B'],
  ] as const)('PDF/A-%s: the XMP says part %s, conformance %s', async (level, part, conformance) => {
    const xmp = await pdfInfo(await convert(fourPages, 'odt', { pdfa: level }));
    expect(xmp).toContain(`<pdfaid:part>${part}</pdfaid:part>`);
    expect(xmp).toContain(`<pdfaid:conformance>${conformance}</pdfaid:conformance>`);
  });

  it('a plain PDF claims no PDF/A part', async () => {
    expect(await pdfInfo(await convert(fourPages, 'odt', {}))).not.toContain('pdfaid:part');
  });
});

describe('PDF/UA', () => {
  it('is tagged and says pdfuaid:part 1 in its XMP', async () => {
    const path = await convert(fourPages, 'odt', { pdfua: true });
    expect((await run('pdfinfo', [path])).stdout).toMatch(/^Tagged:\s+yes$/m);
    expect(await pdfInfo(path)).toMatch(/<pdfuaid:part>1<\/pdfuaid:part>/);
  });

  it('a plain PDF is not tagged', async () => {
    const path = await convert(fourPages, 'odt', {});
    expect((await run('pdfinfo', [path])).stdout).toMatch(/^Tagged:\s+no$/m);
  });
});

describe('pages', () => {
  it('keeps only the pages named, in document order', async () => {
    const path = await convert(fourPages, 'odt', { pages: '2-3' });
    expect(await pdfPages(path)).toBe(2);
    const text = await pdfText(path);
    expect(text).toContain('page 2');
    expect(text).toContain('page 3');
    expect(text).not.toContain(marker);
    expect(text).not.toContain('page 4');
  });

  it('a single page (canonical 4-4) and a list', async () => {
    expect(await pdfText(await convert(fourPages, 'odt', { pages: '4-4' }))).toMatch(/^\s*page 4\s*$/);
    const listed = await convert(fourPages, 'odt', { pages: '1,3-4' });
    expect(await pdfPages(listed)).toBe(3);
    expect(await pdfText(listed)).not.toContain('page 2');
  });

  it('with PDF/A-2b the pages are cut by LibreOffice and the file stays PDF/A', async () => {
    const path = await convert(fourPages, 'odt', { pages: '2-2', pdfa: '2b' });
    expect(await pdfPages(path)).toBe(1);
    expect(await pdfInfo(path)).toMatch(/<pdfaid:part>2<\/pdfaid:part>/);
  });

  it('with PDF/UA the pages kept are still tagged', async () => {
    const path = await convert(fourPages, 'odt', { pages: '1,3', pdfua: true });
    expect(await pdfPages(path)).toBe(2);
    expect((await run('pdfinfo', [path])).stdout).toMatch(/^Tagged:\s+yes$/m);
  });

  it('a page past the last one fails for good, saying how many pages there are', async () => {
    const failed = await failure(convert(fourPages, 'odt', { pages: '2-3,7' }));
    expect(failed.reason).toBe('The document has 4 pages; page 7 does not exist.');
    expect(failed.retryable).toBe(false);
  });

  it('refuses pages for a target other than pdf', async () => {
    const failed = await failure(
      engine.convert({
        inputPath: fourPages,
        outputPath: join(scratch.path, 'x.docx'),
        sourceFormat: 'odt',
        target: 'docx',
        options: { pages: '1-1' },
      }),
    );
    expect(failed.retryable).toBe(false);
  });
});

describe('a password', () => {
  it.each([
    ['docx', 'encrypted.docx'],
    ['odt', 'encrypted.odt'],
    ['doc', 'encrypted.doc'],
    ['xlsx', 'encrypted.xlsx'],
  ] as const)('opens a protected %s', async (format, name) => {
    const path = await convert(join(FIXTURES, name), format, { password: FIXTURE_PASSWORD });
    expect(await pdfPages(path)).toBeGreaterThanOrEqual(1);
    expect(await pdfText(path)).toContain('RELAY-FIXTURE');
  });

  it('a wrong one fails for good, saying the password is wrong', async () => {
    const failed = await failure(convert(join(FIXTURES, 'encrypted.docx'), 'docx', { password: 'not it' }));
    expect(failed.reason).toBe(WRONG_PASSWORD);
    expect(failed.retryable).toBe(false);
  });

  it('none for a protected file says a password is needed', async () => {
    const failed = await failure(convert(join(FIXTURES, 'encrypted.odt'), 'odt', {}));
    expect(failed.reason).toBe(PASSWORD_NEEDED);
  });

  it('combines with pages and PDF/A', async () => {
    const path = await convert(join(FIXTURES, 'encrypted.odt'), 'odt', {
      password: FIXTURE_PASSWORD,
      pages: '1-1',
      pdfa: '1b',
    });
    expect(await pdfPages(path)).toBe(1);
    expect(await pdfInfo(path)).toMatch(/<pdfaid:part>1<\/pdfaid:part>/);
  });
});
