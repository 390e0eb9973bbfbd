import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { access, copyFile, readdir, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import type { SourceFormat } from '@relay/contracts';
import { loadConfig } from '@relay/platform';
import {
  ARABIC,
  CORPUS_DIR,
  cjkDocx,
  cjkHtml,
  DEVANAGARI,
  EAST_ASIAN,
  EMOJI,
  type FidelityKind,
  type FidelityScore,
  fontsDocx,
  INVOICE_ITEMS,
  INVOICE_LEFT,
  INVOICE_RIGHT,
  invoiceHtml,
  OFFICE_FONTS,
  officeFontsDocx,
  pdfFonts,
  releaseMarkdown,
  scoreFidelity,
} from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngines, type Engines, enginesEnv } from '../../src/engines/engines.ts';
import { newMarker, pdfPages, pdfText, scratchDirectory, silentLogger } from '../engines/fixtures.ts';

/**
 * The conversion fidelity suite (issue 19): every corpus document and the documents written here go
 * through the engines as convert-worker builds them (createEngines: LibreOffice for Office files,
 * Chromium for HTML and Markdown), and each PDF is measured by @relay/testing's scorer, the one
 * bench/convert uses beside Gotenberg.
 */

const run = promisify(execFile);
const ANNOTATION_UI = '/usr/lib/libreoffice/share/config/soffice.cfg/modules/swriter/ui/annotation.ui';

/**
 * Lowest text recall accepted per kind, below the lowest measured here (LibreOffice 7.4, the installed
 * fonts) with a little room: docx 0.94 (pandoc captions: a field's `ee`), xlsx 0.55 (the pivot table:
 * LibreOffice prints its own pivot labels, not Excel's German `Zeilenbeschriftungen`/`Gesamtergebnis`),
 * ppt 0.71 (testPPT_various: its header/footer and body lines lie outside the printed slide), rtf 0.96,
 * every other kind 1.0.
 */
const MIN_RECALL: Record<string, number> = {
  docx: 0.9,
  xlsx: 0.5,
  pptx: 0.95,
  odt: 0.95,
  ods: 0.95,
  odp: 0.95,
  doc: 0.95,
  ppt: 0.65,
  rtf: 0.9,
};
/** The corpus documents that carry a comment (word/comments.xml, office:annotation), and a word of their body. */
const COMMENTED = [
  { file: 'tika-testWORD_embedded_pics.docx', body: 'embedded' },
  { file: 'tika-testODFwithOOo3.odt', body: 'footnote' },
];

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let engines: Engines;
let corpus: string[] = [];
let startPids: number[] = [];
/** Every conversion, started at once in beforeAll (the pools queue them); each test awaits its own. */
const converted = new Map<string, Promise<{ pdf: string; score: FidelityScore }>>();

async function convert(name: string, kind: FidelityKind, content: Buffer | string, copyFrom?: string) {
  const inputPath = join(scratch.path, name);
  if (copyFrom === undefined) await writeFile(inputPath, content);
  // A writable copy of its own, as each job has (the corpus is read-only).
  else await copyFile(copyFrom, inputPath);
  const pdf = join(scratch.path, `${name}.pdf`);
  const sourceFormat = kind as SourceFormat;
  await engines
    .engineFor(sourceFormat, 'pdf')
    .convert({ inputPath, sourceFormat, target: 'pdf', options: {}, outputPath: pdf });
  return { pdf, score: await scoreFidelity(inputPath, kind, pdf) };
}

const marker = newMarker();
const WRITTEN: Record<string, { kind: FidelityKind; content: () => Buffer | string }> = {
  'fonts.docx': { kind: 'docx', content: () => fontsDocx(marker) },
  'office-fonts.docx': { kind: 'docx', content: () => officeFontsDocx(marker) },
  'cjk.docx': { kind: 'docx', content: () => cjkDocx(marker) },
  'cjk.html': { kind: 'html', content: () => cjkHtml(marker) },
  'invoice.html': { kind: 'html', content: () => invoiceHtml(marker) },
  'notes.md': { kind: 'md', content: () => releaseMarkdown(marker) },
};

beforeAll(async () => {
  await access(CORPUS_DIR).catch(() => {
    throw new Error(`the document corpus is missing: expected it at ${CORPUS_DIR} (beside the checkout)`);
  });
  corpus = (await readdir(CORPUS_DIR)).filter((file) => file !== 'README.md').sort();
  scratch = await scratchDirectory();
  engines = createEngines(
    loadConfig(enginesEnv, {
      CONVERT_POOL_SIZE: '2',
      CONVERT_TIMEOUT_MS: '60000',
      CONVERT_WORK_DIR: join(scratch.path, 'work'),
    }),
    silentLogger,
  );
  await engines.start();
  startPids = (await engines.stats()).instances.map((instance) => instance.pid ?? 0);
  for (const [name, { kind, content }] of Object.entries(WRITTEN))
    converted.set(name, convert(name, kind, content()));
  for (const file of corpus) {
    const kind = extname(file).slice(1) as FidelityKind;
    converted.set(file, convert(file, kind, '', join(CORPUS_DIR, file)));
  }
  // Failures are each test's to report.
  for (const promise of converted.values()) promise.catch(() => {});
}, 120_000);

afterAll(async () => {
  await engines?.close();
  await scratch?.remove();
});

const result = (name: string) => converted.get(name) as Promise<{ pdf: string; score: FidelityScore }>;

describe('every corpus document converts faithfully', () => {
  it('the corpus holds the documents the suite expects', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
  });

  // One test a file, named by it; the list is read where vitest collects (the folder, never copied).
  const files = existsSync(CORPUS_DIR)
    ? readdirSync(CORPUS_DIR)
        .filter((file) => file !== 'README.md')
        .sort()
    : [];
  for (const file of files) {
    const kind = extname(file).slice(1);
    it(`${file}: PDF with sane pages, recall ≥ ${MIN_RECALL[kind]}, fonts embedded`, async () => {
      const { score } = await result(file);
      const why = JSON.stringify({ ...score, fonts: score.fonts.map((font) => font.name) });
      expect(score.pages, why).toBeGreaterThanOrEqual(1);
      // Word's own count of its last save; the stand-in fonts may reflow a page more or less.
      if (score.expectedPages !== undefined && kind === 'pptx')
        expect(score.pages, why).toBe(score.expectedPages);
      else if (score.expectedPages !== undefined) {
        expect(Math.abs(score.pages - score.expectedPages), why).toBeLessThanOrEqual(
          Math.max(1, Math.ceil(score.expectedPages / 4)),
        );
      } else expect(score.pages, why).toBeLessThanOrEqual(30);
      expect(score.recall, why).toBeGreaterThanOrEqual(MIN_RECALL[kind] ?? 1);
      expect(score.notEmbedded, why).toEqual([]);
      expect(score.missingFonts, why).toEqual([]);
      // DejaVu only stands in for a font that is neither installed nor has a metric-compatible stand-in.
      if (score.dejaVu) expect(score.unknownFonts.length, why).toBeGreaterThan(0);
      expect(score.replacementChars, why).toBe(0);
    });
  }
});

describe('real documents with comments convert through the warm pool', () => {
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

  for (const { file, body } of COMMENTED) {
    it(`${file}: its body is in the PDF`, async () => {
      const { pdf } = await result(file);
      expect((await pdfText(pdf)).toLowerCase()).toContain(body);
    });
  }

  it('no instance died on the way: the pids that started are the ones that finished, each with its soffice.bin', async () => {
    await Promise.allSettled(converted.values());
    const after = (await engines.stats()).instances;
    expect(after.map((instance) => instance.pid)).toEqual(startPids);
    for (const instance of after) {
      expect(instance.processes.some((process) => process.command === 'soffice.bin')).toBe(true);
    }
  });
});

/** `pdftotext -layout` lines, spaces squeezed. */
const layoutLines = async (pdf: string) =>
  (await pdfText(pdf)).split('\n').map((line) => line.replace(/\s+/g, ' ').trim());

describe('an HTML invoice laid out with flex and grid (Chromium)', () => {
  it('prints its header blocks, left and right, on one line', async () => {
    const { pdf } = await result('invoice.html');
    const lines = await layoutLines(pdf);
    expect(
      lines.some((line) => line.includes(INVOICE_LEFT) && line.includes(INVOICE_RIGHT)),
      lines.join('\n'),
    ).toBe(true);
  });

  it('keeps each table row on one line, its words whole', async () => {
    const { pdf, score } = await result('invoice.html');
    const lines = await layoutLines(pdf);
    for (const { item, quantity, price } of INVOICE_ITEMS) {
      expect(lines, lines.join('\n')).toContain(`${item} ${quantity} ${price}`);
    }
    expect(score.pages).toBe(1);
    expect(score.recall, score.missingWords.join(' ')).toBe(1);
  });
});

describe('Markdown', () => {
  it('prints rendered text: no #, **, or ``` left, table cells on one line', async () => {
    const { pdf, score } = await result('notes.md');
    const text = await pdfText(pdf);
    expect(text).toContain(`Release notes ${marker}`);
    for (const syntax of ['#', '**', '```']) expect(text).not.toContain(syntax);
    const lines = await layoutLines(pdf);
    expect(lines).toContain('alpha 1');
    expect(lines).toContain('bravo 2');
    expect(score.recall, score.missingWords.join(' ')).toBe(1);
  });
});

describe('CJK, in Word and in HTML', () => {
  for (const name of ['cjk.docx', 'cjk.html']) {
    it(`${name}: Chinese, Japanese and Korean print as text, visibly, no replacement characters`, async () => {
      const { pdf, score } = await result(name);
      const text = await pdfText(pdf);
      for (const { text: line } of EAST_ASIAN) expect(text).toContain(line);
      expect(score.replacementChars).toBe(0);
      expect(score.recall, score.missingWords.join(' ')).toBe(1);
      expect(score.dejaVu).toBe(false);
      expect(score.notEmbedded).toEqual([]);
      // The Chinese line is drawn, not boxes or blanks (a .notdef box inks a thin frame only).
      expect(await inkOf(pdf, '你好，世界。中文文本。')).toBeGreaterThan(0.05);
    });
  }

  it('cjk.docx: LibreOffice embeds Noto CJK for them', async () => {
    const { score } = await result('cjk.docx');
    expect(
      score.fonts.some((font) => /^NotoS(ans|erif)CJK/.test(font.name) && font.embedded),
      JSON.stringify(score.fonts),
    ).toBe(true);
  });

  // Skia (Chromium's PDF writer) cannot subset CFF outlines, so Noto CJK and the color emoji go in as
  // embedded Type 3 glyph procedures, with no font name.
  it('cjk.html: Chromium embeds their glyphs (Type 3) and prints emoji as text that can be seen', async () => {
    const { pdf, score } = await result('cjk.html');
    expect(score.fonts.some((font) => font.type === 'Type 3' && font.embedded)).toBe(true);
    expect(await pdfText(pdf)).toContain(EMOJI);
    expect(await inkOf(pdf, EMOJI)).toBeGreaterThan(0.05);
  });
});

/**
 * The share of dark pixels where `word` is printed on page 1 (its box from `pdftotext -bbox`): a glyph
 * that is embedded but drawn as nothing, as LibreOffice 7.4 does with a color bitmap font, has none.
 */
async function inkOf(pdf: string, word: string): Promise<number> {
  const { stdout: boxes } = await run('pdftotext', ['-bbox', '-f', '1', '-l', '1', pdf, '-']);
  const box = [
    ...boxes.matchAll(
      /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
    ),
  ].find((match) => match[5] === word);
  if (box === undefined) throw new Error(`${word} is not on page 1`);
  // 144 dpi: two pixels a point.
  const [x = 0, y = 0, right = 0, bottom = 0] = box.slice(1, 5).map((value) => Math.round(Number(value) * 2));
  const crop = ['-x', `${x}`, '-y', `${y}`, '-W', `${right - x}`, '-H', `${bottom - y}`];
  const { stdout: pgm } = await run('pdftoppm', ['-r', '144', '-gray', '-f', '1', '-l', '1', ...crop, pdf], {
    encoding: 'buffer',
  });
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 32).toString('latin1'));
  if (header === null) throw new Error('pdftoppm did not write a PGM');
  const pixels = pgm.subarray(header[0].length);
  return pixels.filter((value) => value < 128).length / pixels.length;
}

const embeddedNames = async (pdf: string) =>
  (await pdfFonts(pdf)).filter((font) => font.embedded).map((font) => font.name);

describe('fonts in converted Word documents (the installed fonts, not DejaVu)', () => {
  it('embeds the metric-compatible stand-in of each Office family', async () => {
    const { pdf, score } = await result('fonts.docx');
    const embedded = await embeddedNames(pdf);
    for (const { family, embedded: standIn } of OFFICE_FONTS) {
      expect(
        embedded.some((name) => name === standIn || name.startsWith(`${standIn}-`)),
        `${family} should print in ${standIn}, got ${embedded.join(' ')}`,
      ).toBe(true);
    }
    expect(score.missingFonts).toEqual([]);
  });

  it('prints the Office families in their stand-ins only: no DejaVu fallback', async () => {
    const { pdf, score } = await result('office-fonts.docx');
    const embedded = await embeddedNames(pdf);
    expect(score.dejaVu, embedded.join(' ')).toBe(false);
    // The scorer reads the families from the runs: all five, each embedded.
    expect(score.expectedFonts.sort()).toEqual(OFFICE_FONTS.map(({ embedded: standIn }) => standIn).sort());
    expect(score.missingFonts).toEqual([]);
    expect(score.recall, score.missingWords.join(' ')).toBe(1);
  });

  it('prints Chinese, Japanese and Korean in Noto CJK, as text, not boxes', async () => {
    const { pdf } = await result('fonts.docx');
    expect((await embeddedNames(pdf)).some((name) => /^NotoS(ans|erif)CJK/.test(name))).toBe(true);
    const text = await pdfText(pdf);
    for (const { text: line } of EAST_ASIAN) expect(text).toContain(line);
  });

  it('prints Devanagari in Noto and Arabic as text', async () => {
    const { pdf } = await result('fonts.docx');
    expect((await embeddedNames(pdf)).some((name) => name.startsWith('NotoSansDevanagari'))).toBe(true);
    const text = await pdfText(pdf);
    expect(text).toContain(DEVANAGARI);
    expect(text).toContain(ARABIC);
  });

  it('keeps emoji as text', async () => {
    const { pdf } = await result('fonts.docx');
    expect(await pdfText(pdf)).toContain(EMOJI);
  });

  // LibreOffice 7.4 draws nothing for Noto Color Emoji's bitmap glyphs in a PDF; the instances' profile
  // refuses that font (profile.ts), so emoji print in Symbola's outlines.
  it('draws emoji that can be seen', async () => {
    const { pdf } = await result('fonts.docx');
    expect(await embeddedNames(pdf)).toContain('Symbola');
    // Symbola's emoji ink about 17 % of their box; the invisible ones 0.5 % (an edge of the next glyph).
    expect(await inkOf(pdf, EMOJI)).toBeGreaterThan(0.05);
  });

  it('keeps the page count and the text', async () => {
    const { pdf, score } = await result('fonts.docx');
    expect(await pdfPages(pdf)).toBe(1);
    expect(await pdfText(pdf)).toContain(marker);
    expect(score.replacementChars).toBe(0);
  });
});
