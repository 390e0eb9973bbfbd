import { existsSync } from 'node:fs';
import { access, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibreOfficePool } from '../../src/engines/libreoffice/pool.ts';
import { pdfText, scratchDirectory, testPool } from './fixtures.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
/**
 * Real documents, read where they are (beside the checkout, or the shared folder of this machine kind
 * for a checkout elsewhere), never copied in.
 */
const CORPUS =
  process.env.RELAY_CORPUS_DIR ||
  [join(ROOT, '..', 'shared', 'corpus'), '/work/shared/corpus'].find((dir) => existsSync(dir)) ||
  join(ROOT, '..', 'shared', 'corpus');
const ANNOTATION_UI = '/usr/lib/libreoffice/share/config/soffice.cfg/modules/swriter/ui/annotation.ui';

/**
 * The corpus documents that carry a comment (word/comments.xml, office:annotation), and a word of their
 * body. Opening one gives Writer's view a comment window built from modules/swriter/ui/annotation.ui;
 * without that file (Debian's -nogui packages ship none of Writer's) soffice aborts.
 */
const COMMENTED = [
  { file: 'tika-testWORD_embedded_pics.docx', importFilter: 'MS Word 2007 XML', body: 'embedded' },
  { file: 'tika-testODFwithOOo3.odt', importFilter: 'writer8', body: 'footnote' },
];

describe('real documents with comments convert through the warm pool', () => {
  let pool: LibreOfficePool;
  let scratch: Awaited<ReturnType<typeof scratchDirectory>>;

  beforeAll(async () => {
    await access(CORPUS).catch(() => {
      throw new Error(`the document corpus is missing: expected it at ${CORPUS} (beside the checkout)`);
    });
    scratch = await scratchDirectory();
    pool = testPool(scratch.path, 1, 30_000);
    await pool.start();
  });

  afterAll(async () => {
    await pool?.close();
    await scratch?.remove();
  });

  it("LibreOffice has Writer's comment window (modules/swriter/ui/annotation.ui), which a commented document opens", async () => {
    const present = await access(ANNOTATION_UI).then(
      () => true,
      () => false,
    );
    expect(
      present,
      `${ANNOTATION_UI} is missing: Debian's libreoffice-writer-nogui ships none of Writer's .ui files, and soffice aborts (NoSuchElementException) on any document with a comment; the setup must install them`,
    ).toBe(true);
  });

  for (const { file, importFilter, body } of COMMENTED) {
    it(`${file}: its body is in the PDF and the instance that opened it lives on`, async () => {
      const before = (await pool.stats()).instances[0]?.pid;
      // A writable copy of its own, as each job has (the corpus is read-only).
      const inputPath = join(scratch.path, file);
      await copyFile(join(CORPUS, file), inputPath);
      const outputPath = join(scratch.path, `${file}.pdf`);
      await pool.convert({ inputPath, outputPath, convertTo: 'pdf', importFilter });
      expect((await pdfText(outputPath)).toLowerCase()).toContain(body);
      const after = await pool.stats();
      expect(after.instances[0]?.pid).toBe(before);
      expect(after.instances[0]?.processes.some((process) => process.command === 'soffice.bin')).toBe(true);
    });
  }
});
