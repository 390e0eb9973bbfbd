import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { ROOT } from './cluster.ts';

/**
 * Documents the convert fidelity suite and bench/convert both convert: an invoice laid out with flex and
 * grid, a Markdown file, CJK text in Word and HTML, and a Word document in each Office family.
 */

/** A zip of stored (uncompressed) entries, enough to hand-build a docx or odt in a test. */
export function storedZip(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const fileName = Buffer.from(name, 'utf8');
    const checksum = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A minimal docx whose body is `bodyXml` and whose relationships include `relationships`. */
export function docxPackage(bodyXml: string, relationships = ''): Buffer {
  return storedZip({
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    'word/_rels/document.xml.rels': `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${relationships}</Relationships>`,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>${bodyXml}</w:body></w:document>`,
  });
}

/** The Office families a Word document names, and the font the PDF must embed instead. */
export const OFFICE_FONTS = [
  { family: 'Calibri', embedded: 'Carlito' },
  { family: 'Cambria', embedded: 'Caladea' },
  { family: 'Arial', embedded: 'LiberationSans' },
  { family: 'Times New Roman', embedded: 'LiberationSerif' },
  { family: 'Courier New', embedded: 'LiberationMono' },
];

/** East Asian text as Word writes it: in the Windows fonts of each language, none of them installed. */
export const EAST_ASIAN = [
  { text: '你好，世界。中文文本。', font: 'SimSun', lang: 'zh-CN' },
  { text: 'こんにちは、世界。日本語の文章。', font: 'MS Mincho', lang: 'ja-JP' },
  { text: '안녕하세요, 세계. 한국어 문장.', font: 'Malgun Gothic', lang: 'ko-KR' },
];
export const EMOJI = '\u{1F600}\u{1F680}';
export const DEVANAGARI = 'नमस्ते दुनिया';
export const ARABIC = 'مرحبا بالعالم';

const wordRun = (text: string, properties: string) =>
  `<w:r><w:rPr>${properties}</w:rPr><w:t xml:space="preserve">${text}</w:t></w:r>`;
const paragraph = (...runs: string[]) => `<w:p>${runs.join('')}</w:p>`;
const fonts = (family: string) =>
  `<w:rFonts w:ascii="${family}" w:hAnsi="${family}" w:cs="${family}" w:eastAsia="${family}"/>`;
const eastAsian = ({ text, font, lang }: (typeof EAST_ASIAN)[number]) =>
  paragraph(
    wordRun(
      text,
      `<w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="${font}"/><w:lang w:val="en-US" w:eastAsia="${lang}"/>`,
    ),
  );

/** One page: a line in each Office family, then CJK, emoji, Devanagari and Arabic as Word stores them. */
export function fontsDocx(marker: string): Buffer {
  const body = [
    paragraph(wordRun(`${marker} fonts and scripts`, fonts('Calibri'))),
    ...OFFICE_FONTS.map(({ family }) =>
      paragraph(wordRun(`${family}: The quick brown fox jumps over the lazy dog 0123456789.`, fonts(family))),
    ),
    ...EAST_ASIAN.map(eastAsian),
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

/** Only the five Office families, one line each: nothing in it needs a font beyond their stand-ins. */
export function officeFontsDocx(marker: string): Buffer {
  return docxPackage(
    [
      paragraph(wordRun(`${marker} Office families`, fonts('Calibri'))),
      ...OFFICE_FONTS.map(({ family }) =>
        paragraph(wordRun(`${family}: Pack my box with five dozen liquor jugs.`, fonts(family))),
      ),
    ].join(''),
  );
}

/** A Word letter in Chinese, Japanese and Korean, a few paragraphs each (the bench's CJK docx). */
export function cjkDocx(marker: string): Buffer {
  const body = [
    paragraph(wordRun(`${marker} CJK letter`, fonts('Calibri'))),
    ...[1, 2, 3].flatMap(() => EAST_ASIAN.map(eastAsian)),
  ];
  return docxPackage(body.join(''));
}

/** The same CJK lines as an HTML page that names no CJK font (the browser must find one). */
export const cjkHtml = (marker: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>CJK</title></head><body><h1>${marker} CJK</h1>${EAST_ASIAN.map(
    ({ text, lang }) => `<p lang="${lang}">${text}</p>`,
  ).join('')}<p>Emoji: ${EMOJI}</p></body></html>`;

/** Invoice header blocks: left (seller) and right (invoice number) on one line, with flex. */
export const INVOICE_LEFT = 'Northwind Traders';
export const INVOICE_RIGHT = 'Invoice INV-2041';
export const INVOICE_ITEMS = [
  { item: 'Consulting hours', quantity: 12, price: '1,440.00' },
  { item: 'Travel expenses', quantity: 1, price: '310.50' },
  { item: 'Software licence', quantity: 3, price: '897.00' },
];

/** A styled invoice as a web page lays it out: a flex header, a grid of addresses, an items table. */
export const invoiceHtml = (marker: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Invoice</title><style>
  body { font-family: 'Liberation Sans', Arial, sans-serif; margin: 2cm; color: #222; }
  header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid #4f46e5; }
  header h1 { font-size: 20pt; margin: 0; }
  header p { font-size: 14pt; margin: 0; }
  .parties { display: grid; grid-template-columns: 1fr 1fr; gap: 1cm; margin: 1cm 0; }
  table { width: 100%; border-collapse: collapse; }
  th, td { border-bottom: 1px solid #ccc; padding: 6px; text-align: left; }
  td.number { text-align: right; }
</style></head><body>
<header><h1>${INVOICE_LEFT}</h1><p>${INVOICE_RIGHT}</p></header>
<section class="parties">
  <div><strong>From</strong><br>${INVOICE_LEFT}<br>12 Harbour Road<br>Seattle</div>
  <div><strong>Bill to</strong><br>Contoso Limited<br>4 Market Street<br>Leeds</div>
</section>
<table><thead><tr><th>Item</th><th>Quantity</th><th>Amount</th></tr></thead><tbody>
${INVOICE_ITEMS.map(({ item, quantity, price }) => `<tr><td>${item}</td><td class="number">${quantity}</td><td class="number">${price}</td></tr>`).join('\n')}
</tbody></table>
<p>Reference ${marker}. Payment within thirty days.</p>
</body></html>`;

/** Release notes in Markdown: headings, emphasis, a code fence and a table (GitHub flavour). */
export const releaseMarkdown = (marker: string) => `# Release notes ${marker}

Some **bold** news and *emphasis*, with \`inline code\`.

## Changes

- Faster conversions
- Fewer surprises

\`\`\`ts
const answer = computeAnswer();
\`\`\`

| Name | Value |
| --- | --- |
| alpha | 1 |
| bravo | 2 |
`;

/**
 * The real-document corpus (`../shared/corpus`, never copied in): beside the checkout, in this machine
 * kind's shared folder for a checkout elsewhere, or at RELAY_CORPUS_DIR.
 */
export const CORPUS_DIR =
  process.env.RELAY_CORPUS_DIR ||
  [join(ROOT, '..', 'shared', 'corpus'), '/work/shared/corpus'].find((dir) => existsSync(dir)) ||
  join(ROOT, '..', 'shared', 'corpus');
