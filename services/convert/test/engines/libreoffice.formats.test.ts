import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceFormat, TargetFormat } from '@relay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversionEngine } from '../../src/engines/engine.ts';
import type { LibreOfficePool } from '../../src/engines/libreoffice/pool.ts';
import { createLibreOfficeEngine } from '../../src/engines/libreoffice.engine.ts';
import {
  flatPresentation,
  flatSpreadsheet,
  flatText,
  newMarker,
  pdfInfo,
  pdfPages,
  pdfText,
  scratchDirectory,
  testPool,
} from './fixtures.ts';

const marker = newMarker();
const TEXT_PAGES = 3;
const SHEETS = 2;
const SLIDES = 3;

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let pool: LibreOfficePool;
let engine: ConversionEngine;

const source = (format: SourceFormat) => join(scratch.path, `source.${format}`);

/**
 * The sources the test can write as text (flat ODF, CSV, Markdown, HTML, plain text), then the binary
 * formats LibreOffice makes from them: each carries the marker, the multi-page ones a known page count.
 */
async function makeSources(): Promise<void> {
  await writeFile(join(scratch.path, 'flat.fodt'), flatText(marker, TEXT_PAGES));
  await writeFile(join(scratch.path, 'flat.fods'), flatSpreadsheet(marker, SHEETS));
  await writeFile(join(scratch.path, 'flat.fodp'), flatPresentation(marker, SLIDES));
  await writeFile(source('txt'), `${marker}\nGrüße aus Relay: plain text, UTF-8.\n`);
  await writeFile(source('md'), `# Heading\n\n${marker} in *Markdown*.\n`);
  await writeFile(
    source('html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body><h1>${marker}</h1><p>Grüße</p></body></html>`,
  );
  await writeFile(source('csv'), `name,value\n${marker},42\nother,7\n`);
  const made: Array<[flat: string, format: SourceFormat, exportFilter: string]> = [
    ['flat.fodt', 'odt', 'writer8'],
    ['flat.fodt', 'docx', 'MS Word 2007 XML'],
    ['flat.fodt', 'doc', 'MS Word 97'],
    ['flat.fodt', 'rtf', 'Rich Text Format'],
    ['flat.fods', 'ods', 'calc8'],
    ['flat.fods', 'xlsx', 'Calc MS Excel 2007 XML'],
    ['flat.fods', 'xls', 'MS Excel 97'],
    ['flat.fodp', 'odp', 'impress8'],
    ['flat.fodp', 'pptx', 'Impress MS PowerPoint 2007 XML'],
    ['flat.fodp', 'ppt', 'MS PowerPoint 97'],
  ];
  await Promise.all(
    made.map(([flat, format, exportFilter]) =>
      pool.convert({
        inputPath: join(scratch.path, flat),
        outputPath: source(format),
        convertTo: format,
        exportFilter,
      }),
    ),
  );
}

beforeAll(async () => {
  scratch = await scratchDirectory();
  pool = testPool(scratch.path, 2);
  engine = createLibreOfficeEngine(pool);
  await engine.start();
  await makeSources();
}, 120_000);

afterAll(async () => {
  await pool?.close();
  await scratch?.remove();
});

async function convert(
  sourceFormat: SourceFormat,
  target: TargetFormat,
  inputPath = source(sourceFormat),
  pdfa = false,
): Promise<string> {
  const outputPath = join(
    scratch.path,
    `${sourceFormat}-${target}-${pdfa ? 'a-' : ''}${newMarker()}.${target}`,
  );
  await engine.convert({ inputPath, sourceFormat, target, options: pdfa ? { pdfa: '2b' } : {}, outputPath });
  return outputPath;
}

const PAGES: Record<string, number> = {
  doc: TEXT_PAGES,
  docx: TEXT_PAGES,
  odt: TEXT_PAGES,
  rtf: TEXT_PAGES,
  txt: 1,
  md: 1,
  html: 1,
  xls: SHEETS,
  xlsx: SHEETS,
  ods: SHEETS,
  csv: 1,
  ppt: SLIDES,
  pptx: SLIDES,
  odp: SLIDES,
};

describe('libreoffice engine: every office, text and HTML format to PDF', () => {
  it.each(Object.keys(PAGES) as SourceFormat[])(
    '%s → pdf holds the marker on the right number of pages',
    async (format) => {
      const pdf = await convert(format, 'pdf');
      expect(await pdfText(pdf)).toContain(marker);
      expect(await pdfPages(pdf)).toBe(PAGES[format]);
    },
  );

  it('reads plain text and HTML as UTF-8', async () => {
    expect(await pdfText(await convert('txt', 'pdf'))).toContain('Grüße aus Relay');
    expect(await pdfText(await convert('html', 'pdf'))).toContain('Grüße');
  });

  it('writes PDF/A-2b when asked', async () => {
    const pdf = await convert('docx', 'pdf', undefined, true);
    const metadata = await pdfInfo(pdf);
    expect(metadata).toMatch(/pdfaid:part(>|=")2/);
    expect(metadata).toMatch(/pdfaid:conformance(>|=")B/);
    expect(await pdfText(pdf)).toContain(marker);
  });
});

describe('libreoffice engine: office to office, and the result opens again', () => {
  const pairs: Array<[SourceFormat, TargetFormat]> = [
    ['docx', 'odt'],
    ['odt', 'docx'],
    ['doc', 'docx'],
    ['rtf', 'odt'],
    ['html', 'docx'],
    ['md', 'odt'],
    ['xlsx', 'ods'],
    ['ods', 'xlsx'],
    ['xls', 'xlsx'],
    ['xlsx', 'csv'],
    ['ods', 'csv'],
    ['csv', 'xlsx'],
    ['csv', 'ods'],
    ['pptx', 'odp'],
    ['odp', 'pptx'],
    ['ppt', 'pptx'],
  ];
  it.each(pairs)('%s → %s → pdf holds the marker', async (from, to) => {
    const converted = await convert(from, to);
    const pdf = await convert(to as SourceFormat, 'pdf', converted);
    expect(await pdfText(pdf)).toContain(marker);
  });

  it('writes CSV as UTF-8, text unquoted, the first sheet only', async () => {
    const csv = await readFile(await convert('ods', 'csv'), 'utf8');
    expect(csv.trim()).toBe(`${marker}\n42`);
  });
});
