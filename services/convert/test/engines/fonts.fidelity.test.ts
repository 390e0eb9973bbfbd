import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversionEngine } from '../../src/engines/engine.ts';
import type { LibreOfficePool } from '../../src/engines/libreoffice/pool.ts';
import { createLibreOfficeEngine } from '../../src/engines/libreoffice.engine.ts';
import { docxPackage, newMarker, pdfPages, pdfText, scratchDirectory, testPool } from './fixtures.ts';

const run = promisify(execFile);

/** The Office families a Word document names, and the font the PDF must embed instead. */
const OFFICE_FONTS = [
  { family: 'Calibri', embedded: 'Carlito' },
  { family: 'Cambria', embedded: 'Caladea' },
  { family: 'Arial', embedded: 'LiberationSans' },
  { family: 'Times New Roman', embedded: 'LiberationSerif' },
  { family: 'Courier New', embedded: 'LiberationMono' },
];
/** East Asian text as Word writes it: in the Windows fonts of each language, none of them installed. */
const EAST_ASIAN = [
  { text: '你好，世界。中文文本。', font: 'SimSun', lang: 'zh-CN' },
  { text: 'こんにちは、世界。日本語の文章。', font: 'MS Mincho', lang: 'ja-JP' },
  { text: '안녕하세요, 세계. 한국어 문장.', font: 'Malgun Gothic', lang: 'ko-KR' },
];
const EMOJI = '\u{1F600}\u{1F680}';
const DEVANAGARI = 'नमस्ते दुनिया';
const ARABIC = 'مرحبا بالعالم';

const marker = newMarker();

const wordRun = (text: string, properties: string) =>
  `<w:r><w:rPr>${properties}</w:rPr><w:t xml:space="preserve">${text}</w:t></w:r>`;
const paragraph = (...runs: string[]) => `<w:p>${runs.join('')}</w:p>`;
const fonts = (family: string) =>
  `<w:rFonts w:ascii="${family}" w:hAnsi="${family}" w:cs="${family}" w:eastAsia="${family}"/>`;

/** One page: a line in each Office family, then CJK, emoji, Devanagari and Arabic as Word stores them. */
function fidelityDocx(): Buffer {
  const body = [
    paragraph(wordRun(`${marker} fonts and scripts`, fonts('Calibri'))),
    ...OFFICE_FONTS.map(({ family }) =>
      paragraph(wordRun(`${family}: The quick brown fox jumps over the lazy dog 0123456789.`, fonts(family))),
    ),
    ...EAST_ASIAN.map(({ text, font, lang }) =>
      paragraph(
        wordRun(
          text,
          `<w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="${font}"/><w:lang w:val="en-US" w:eastAsia="${lang}"/>`,
        ),
      ),
    ),
    // Word gives emoji a run of their own in Segoe UI Emoji.
    paragraph(
      wordRun('Emoji:', fonts('Calibri')),
      wordRun(' ', fonts('Calibri')),
      wordRun(EMOJI, fonts('Segoe UI Emoji')),
    ),
    paragraph(wordRun(DEVANAGARI, `${fonts('Arial')}<w:lang w:bidi="hi-IN"/>`)),
    paragraph(wordRun(ARABIC, `${fonts('Arial')}<w:rtl/><w:lang w:bidi="ar-SA"/>`)),
  ];
  return docxPackage(body.join(''));
}

/** `pdffonts` rows: each font's name without its subset prefix (`ABCDEF+Carlito` → `Carlito`). */
async function embeddedFonts(pdf: string): Promise<string[]> {
  const { stdout } = await run('pdffonts', [pdf]);
  return stdout
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => (line.split(/\s+/)[0] ?? '').replace(/^[A-Z]{6}\+/, ''));
}

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

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let pool: LibreOfficePool;
let engine: ConversionEngine;
let pdf: string;

beforeAll(async () => {
  scratch = await scratchDirectory();
  pool = testPool(scratch.path, 1);
  engine = createLibreOfficeEngine(pool);
  await engine.start();
  const inputPath = join(scratch.path, 'fonts.docx');
  await writeFile(inputPath, fidelityDocx());
  pdf = join(scratch.path, 'fonts.pdf');
  await engine.convert({ inputPath, sourceFormat: 'docx', target: 'pdf', options: {}, outputPath: pdf });
}, 120_000);

afterAll(async () => {
  await pool?.close();
  await scratch?.remove();
});

describe('fonts in converted documents (the installed fonts, not DejaVu)', () => {
  it('embeds the metric-compatible stand-in of each Office family', async () => {
    const embedded = await embeddedFonts(pdf);
    for (const { family, embedded: standIn } of OFFICE_FONTS) {
      expect(
        embedded.some((name) => name === standIn || name.startsWith(`${standIn}-`)),
        `${family} should print in ${standIn}, got ${embedded.join(' ')}`,
      ).toBe(true);
    }
  });

  it('prints Chinese, Japanese and Korean in Noto CJK, as text, not boxes', async () => {
    expect((await embeddedFonts(pdf)).some((name) => /^NotoS(ans|erif)CJK/.test(name))).toBe(true);
    const text = await pdfText(pdf);
    for (const { text: line } of EAST_ASIAN) expect(text).toContain(line);
  });

  it('prints Devanagari in Noto and Arabic as text', async () => {
    expect((await embeddedFonts(pdf)).some((name) => name.startsWith('NotoSansDevanagari'))).toBe(true);
    const text = await pdfText(pdf);
    expect(text).toContain(DEVANAGARI);
    expect(text).toContain(ARABIC);
  });

  it('keeps emoji as text', async () => {
    expect(await pdfText(pdf)).toContain(EMOJI);
  });

  // LibreOffice 7.4 draws nothing for Noto Color Emoji's bitmap glyphs in a PDF; the instances' profile
  // refuses that font (profile.ts), so emoji print in Symbola's outlines.
  it('draws emoji that can be seen', async () => {
    expect(await embeddedFonts(pdf)).toContain('Symbola');
    // Symbola's emoji ink about 17 % of their box; the invisible ones 0.5 % (an edge of the next glyph).
    expect(await inkOf(pdf, EMOJI)).toBeGreaterThan(0.05);
  });

  it('keeps the page count and the text', async () => {
    expect(await pdfPages(pdf)).toBe(1);
    expect(await pdfText(pdf)).toContain(marker);
  });
});
