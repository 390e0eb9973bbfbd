import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import * as CFB from 'cfb';
import yauzl from 'yauzl';

/**
 * How faithful a PDF is to the document it was made from, measured the same way for every engine
 * (the convert fidelity suite and bench/convert's side by side with Gotenberg): page count, the share of
 * the source's words found in the PDF's text (words read from the source itself, never from a
 * conversion), the fonts embedded and replacement characters.
 */

const run = promisify(execFile);

/** The Office families documents name, and the metric-compatible font that must print them here. */
export const OFFICE_STAND_INS: Readonly<Record<string, string>> = {
  Calibri: 'Carlito',
  Cambria: 'Caladea',
  Arial: 'LiberationSans',
  'Times New Roman': 'LiberationSerif',
  'Courier New': 'LiberationMono',
};

export type FidelityKind =
  | 'docx'
  | 'xlsx'
  | 'pptx'
  | 'odt'
  | 'ods'
  | 'odp'
  | 'doc'
  | 'ppt'
  | 'rtf'
  | 'html'
  | 'md'
  | 'txt';

interface SourceFacts {
  /** Distinct words of the printed text, lower-cased; CJK text counts one character a word. */
  words: string[];
  /** Font families the document names anywhere (runs, styles, theme, font table). */
  fonts: string[];
  /** Families its text runs (or the default paragraph style) ask for: what must be embedded. */
  runFonts: string[];
  /** What the producing application recorded (docProps/app.xml Pages or Slides), if anything. */
  expectedPages?: number;
}

export interface PdfFont {
  /** Without the subset prefix: `ABCDEF+Carlito-Bold` → `Carlito-Bold`. */
  name: string;
  type: string;
  embedded: boolean;
}

export interface FidelityScore {
  pages: number;
  expectedPages: number | undefined;
  /** Share (0..1) of the source's distinct words found in the PDF's text. */
  recall: number;
  sourceWords: number;
  /** Up to 20 of the source words the PDF lacks, to say why recall is low. */
  missingWords: string[];
  fonts: PdfFont[];
  /** Stand-ins of the Office families the source names (Calibri → Carlito …). */
  expectedFonts: string[];
  /** Those of `expectedFonts` not embedded. */
  missingFonts: string[];
  /** Fonts the PDF names but does not embed. */
  notEmbedded: string[];
  /** DejaVu printed some text (the last resort of fontconfig: a named font had no stand-in). */
  dejaVu: boolean;
  /** Source fonts neither installed nor covered by a stand-in: the honest reason for a DejaVu fallback. */
  unknownFonts: string[];
  /** U+FFFD in the PDF's text: a glyph that could not be mapped. */
  replacementChars: number;
}

// ── the PDF ────────────────────────────────────────────────────────────────────────────────────────

/** `pdftotext` output; `layout` keeps the columns of a line together, as the page shows them. */
export async function pdfText(
  path: string,
  options: { layout?: boolean } = { layout: true },
): Promise<string> {
  const args = options.layout === false ? [path, '-'] : ['-layout', path, '-'];
  return (await run('pdftotext', args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

export async function pdfPages(path: string): Promise<number> {
  const { stdout } = await run('pdfinfo', [path]);
  return Number(/^Pages:\s+(\d+)$/m.exec(stdout)?.[1]);
}

/** `pdffonts` rows. The columns are fixed-width; the name and type come first, `emb` after the encoding. */
export async function pdfFonts(path: string): Promise<PdfFont[]> {
  const { stdout } = await run('pdffonts', [path]);
  const lines = stdout.split('\n');
  const ruler = lines[1] ?? '';
  // Column starts from the dashes row: name, type, encoding, emb, sub, uni, object ID.
  const starts = [...ruler.matchAll(/-+/g)].map((match) => match.index ?? 0);
  const column = (line: string, index: number) =>
    line.slice(starts[index], starts[index + 1] ?? line.length).trim();
  return lines
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => ({
      name: column(line, 0).replace(/^[A-Z]{6}\+/, ''),
      type: column(line, 1),
      embedded: column(line, 3) === 'yes',
    }));
}

const CJK = /(\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul})/u;

/**
 * Words as the scorer counts them: runs of letters or of digits (a footnote mark glued to its word,
 * `footnote1`, is two), lower-cased, ligatures unfolded, CJK by character.
 */
export function wordsOf(text: string): string[] {
  const words = new Set<string>();
  for (const [token] of text
    .normalize('NFKC')
    .toLowerCase()
    .matchAll(/[\p{L}\p{M}]+|\p{N}+/gu)) {
    // CJK is written without spaces: each of its characters is a word, the rest of the run one more.
    for (const part of token.split(CJK)) {
      if (CJK.test(part)) words.add(part);
      else if (part.length >= 2 || /\p{N}/u.test(part)) words.add(part);
    }
  }
  return [...words];
}

// ── the source ─────────────────────────────────────────────────────────────────────────────────────

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const decodeEntities = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });

/** The text of every `<tag>…</tag>` element (no nested elements inside, as w:t, a:t and t are). */
const elementTexts = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`, 'g'))].map((match) =>
    decodeEntities(match[1] ?? ''),
  );

const attributeValues = (xml: string, attribute: string) =>
  [...xml.matchAll(new RegExp(`\\s${attribute}="([^"]*)"`, 'g'))].map((match) =>
    decodeEntities(match[1] ?? ''),
  );

/** The entries of a zip whose names match, as text. */
async function zipTexts(path: string, wanted: RegExp): Promise<Map<string, string>> {
  const zip = await yauzl.fromBufferPromise(await readFile(path), { lazyEntries: true });
  const texts = new Map<string, string>();
  for await (const entry of zip.eachEntry()) {
    if (!wanted.test(entry.fileName)) continue;
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    texts.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
  }
  return texts;
}

const joined = (texts: Map<string, string>, name: RegExp) =>
  [...texts].filter(([entry]) => name.test(entry)).map(([, text]) => text);

/** Word's own page (or slide) count of the last save, when it recorded one. */
const recordedCount = (texts: Map<string, string>, tag: 'Pages' | 'Slides') => {
  const value = elementTexts(texts.get('docProps/app.xml') ?? '', tag)[0];
  return value === undefined || value === '' ? undefined : Number(value);
};

/** Text of an ODF content.xml: every text node except comments (not printed), tags removed. */
const odfText = (xml: string) =>
  decodeEntities(
    xml
      .replace(/<office:annotation[\s\S]*?<\/office:annotation>/g, ' ')
      // Tracked changes' authors, dates and deleted text.
      .replace(/<text:tracked-changes[\s\S]*?<\/text:tracked-changes>/g, ' ')
      // A shape's title and description are alternative text, not printed.
      .replace(/<svg:(title|desc)>[\s\S]*?<\/svg:\1>/g, ' ')
      .replace(/<text:(?:s|tab|line-break)\b[^>]*\/>/g, ' ')
      .replace(/<[^>]+>/g, ' '),
  );

/** Field instructions (HYPERLINK "…", PAGE) between Word's 0x13 and 0x14 marks are not printed. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: Word 97 marks fields with these characters.
const FIELD_CODE = /\u0013[^\u0013\u0014\u0015]*(?=\u0014|\u0015)/g;
const withoutFieldCodes = (text: string) => text.replace(FIELD_CODE, ' ');

/**
 * A Word 97 document's text through its piece table (the Clx in the table stream), in character
 * positions: body, footnotes, headers, then (after the comments, skipped) endnotes and text boxes.
 */
function wordBinaryText(container: CFB.CFB$Container): string {
  const word = Buffer.from(CFB.find(container, 'WordDocument')?.content ?? []);
  const table = Buffer.from(
    CFB.find(container, word.readUInt16LE(0x0a) & 0x0200 ? '1Table' : '0Table')?.content ?? [],
  );
  // FibRgLw97's character counts of each story, in their order in the text.
  const count = (offset: number) => word.readInt32LE(offset);
  const [text, footnotes, headers, macros, comments] = [
    count(0x4c),
    count(0x50),
    count(0x54),
    count(0x58),
    count(0x5c),
  ];
  const rest = count(0x60) + count(0x64) + count(0x68);
  let clx = word.readUInt32LE(0x1a2);
  while (table[clx] === 0x01) clx += 3 + table.readUInt16LE(clx + 1);
  const pieces = (table.readUInt32LE(clx + 1) - 4) / 12;
  let all = '';
  for (let index = 0; index < pieces; index += 1) {
    const from = table.readUInt32LE(clx + 5 + 4 * index);
    const to = table.readUInt32LE(clx + 9 + 4 * index);
    const fc = table.readUInt32LE(clx + 5 + 4 * (pieces + 1) + 8 * index + 2);
    all +=
      fc & 0x40000000
        ? word.subarray((fc & ~0x40000000) / 2, (fc & ~0x40000000) / 2 + to - from).toString('latin1')
        : word.subarray(fc, fc + 2 * (to - from)).toString('utf16le');
  }
  const beforeComments = text + footnotes + headers + macros;
  return withoutFieldCodes(
    `${all.slice(0, beforeComments)} ${all.slice(beforeComments + comments, beforeComments + comments + rest)}`,
  );
}

/**
 * A PowerPoint 97 presentation's text: its TextCharsAtom (UTF-16) and TextBytesAtom (single-byte)
 * records, outside the masters and notes, whose placeholder text is never printed on a slide.
 */
function powerPointBinaryText(container: CFB.CFB$Container): string {
  const stream = Buffer.from(CFB.find(container, 'PowerPoint Document')?.content ?? []);
  const texts: string[] = [];
  const walk = (start: number, end: number) => {
    for (let offset = start; offset + 8 <= end; ) {
      const version = stream.readUInt16LE(offset) & 0x0f;
      const type = stream.readUInt16LE(offset + 2);
      const length = stream.readUInt32LE(offset + 4);
      const body = offset + 8;
      // 0x03F8 MainMaster, 0x03F0 Notes.
      if (version === 0x0f && type !== 0x03f8 && type !== 0x03f0) walk(body, body + length);
      else if (type === 0x0fa0) texts.push(stream.subarray(body, body + length).toString('utf16le'));
      else if (type === 0x0fa8) texts.push(stream.subarray(body, body + length).toString('latin1'));
      offset = body + length;
    }
  };
  walk(0, stream.length);
  return texts.join(' ');
}

/** RTF text: groups that are never printed removed, control words dropped, \'hh and \uN decoded. */
function rtfText(rtf: string): string {
  let text = rtf;
  // Destinations that hold no body text: font, colour and style tables, pictures, metadata.
  for (const destination of ['fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', '\\*']) {
    const marker = destination === '\\*' ? '{\\*' : `{\\${destination}`;
    for (let start = text.indexOf(marker); start !== -1; start = text.indexOf(marker, start)) {
      let depth = 0;
      let end = start;
      for (; end < text.length; end += 1) {
        if (text[end] === '\\') end += 1;
        else if (text[end] === '{') depth += 1;
        else if (text[end] === '}' && --depth === 0) break;
      }
      text = `${text.slice(0, start)} ${text.slice(end + 1)}`;
    }
  }
  return (
    text
      // \uN is followed by a one-character fallback for older readers (\uc1, RTF's default).
      .replace(/\\u(-?\d+) ?(?:\\'[0-9a-f]{2}|[^\\{}])?/gi, (_, code: string) =>
        String.fromCharCode((Number(code) + 65536) % 65536),
      )
      .replace(/\\'([0-9a-f]{2})/gi, (_, hex: string) =>
        Buffer.from([Number.parseInt(hex, 16)]).toString('latin1'),
      )
      .replace(/\\[a-z]+-?\d* ?/gi, ' ')
      .replace(/[{}\\]/g, ' ')
  );
}

/** HTML's printed text: no head, scripts or styles, tags removed. */
const htmlText = (html: string) =>
  decodeEntities(
    html
      .replace(/<(head|script|style)\b[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<[^>]+>/g, ' '),
  );

/** Markdown's printed text: link targets, fence info strings and HTML tags removed (syntax is not a word). */
const markdownText = (markdown: string) =>
  htmlText(
    markdown
      .replace(/\]\([^)]*\)/g, ']')
      .replace(/^(```|~~~)\S*/gm, '')
      .replace(/<https?:[^>]+>/g, ''),
  );

export async function sourceFacts(path: string, kind: FidelityKind): Promise<SourceFacts> {
  switch (kind) {
    case 'docx': {
      const texts = await zipTexts(path, /^(word\/.*\.xml|docProps\/app\.xml)$/);
      // Body, headers, footers, foot- and endnotes: what Word prints (comments it does not by default).
      const printed = joined(texts, /^word\/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$/);
      const styled = joined(texts, /^word\/(document|styles|fontTable|theme\/theme\d*)\.xml$/);
      const runs = printed.flatMap((xml) => attributeValues(xml, 'w:ascii'));
      return {
        words: wordsOf(printed.flatMap((xml) => elementTexts(xml, 'w:t')).join(' ')),
        fonts: fontsNamed(
          styled.flatMap((xml) => [
            ...attributeValues(xml, 'w:ascii'),
            ...[...xml.matchAll(/<w:font w:name="([^"]*)"/g)].map((match) => decodeEntities(match[1] ?? '')),
            ...latinTypefaces(xml),
          ]),
        ),
        runFonts: fontsNamed(runs.length > 0 ? runs : defaultWordFont(texts)),
        expectedPages: recordedCount(texts, 'Pages'),
      };
    }
    case 'xlsx': {
      const texts = await zipTexts(
        path,
        /^xl\/(sharedStrings|worksheets\/sheet\d+|styles|theme\/theme\d*)\.xml$/,
      );
      const strings = joined(texts, /^xl\/(sharedStrings|worksheets\/sheet\d+)\.xml$/);
      return {
        words: wordsOf(strings.flatMap((xml) => elementTexts(xml, 't')).join(' ')),
        fonts: fontsNamed(
          joined(texts, /^xl\/(styles|theme\/theme\d*)\.xml$/).flatMap((xml) => [
            ...[...xml.matchAll(/<name val="([^"]*)"/g)].map((match) => match[1] ?? ''),
            ...latinTypefaces(xml),
          ]),
        ),
        // The first cell font is the workbook's default (Excel's "Normal" style).
        runFonts: fontsNamed(
          [/<font>[\s\S]*?<name val="([^"]*)"/.exec(texts.get('xl/styles.xml') ?? '')?.[1] ?? ''].map(
            (name) =>
              name === '' ? (latinTypefaces(texts.get('xl/theme/theme1.xml') ?? '')[1] ?? '') : name,
          ),
        ),
      };
    }
    case 'pptx': {
      const texts = await zipTexts(
        path,
        /^(ppt\/(slides\/slide\d+|theme\/theme\d*)\.xml|docProps\/app\.xml)$/,
      );
      const slides = joined(texts, /^ppt\/slides\/slide\d+\.xml$/);
      return {
        words: wordsOf(slides.flatMap((xml) => elementTexts(xml, 'a:t')).join(' ')),
        fonts: fontsNamed(
          [...texts.values()].flatMap((xml) => [...latinTypefaces(xml), ...attributeValues(xml, 'typeface')]),
        ),
        runFonts: fontsNamed(slides.flatMap(latinTypefaces)),
        expectedPages: recordedCount(texts, 'Slides'),
      };
    }
    case 'odt':
    case 'ods':
    case 'odp': {
      const texts = await zipTexts(path, /^(content|styles)\.xml$/);
      const content = texts.get('content.xml') ?? '';
      return {
        words: wordsOf(odfText(content.replace(/^[\s\S]*?<office:body>/, ''))),
        fonts: fontsNamed([...texts.values()].flatMap((xml) => attributeValues(xml, 'svg:font-family'))),
        runFonts: [],
      };
    }
    case 'doc':
    case 'ppt': {
      const container = CFB.read(await readFile(path), { type: 'buffer' });
      const text = kind === 'doc' ? wordBinaryText(container) : powerPointBinaryText(container);
      return { words: wordsOf(text), fonts: [], runFonts: [] };
    }
    case 'rtf': {
      const rtf = await readFile(path, 'latin1');
      return { words: wordsOf(rtfText(rtf)), fonts: rtfFonts(rtf), runFonts: [] };
    }
    case 'html': {
      const html = await readFile(path, 'utf8');
      return { words: wordsOf(htmlText(html)), fonts: [], runFonts: [] };
    }
    case 'md':
      return { words: wordsOf(markdownText(await readFile(path, 'utf8'))), fonts: [], runFonts: [] };
    case 'txt':
      return { words: wordsOf(await readFile(path, 'utf8')), fonts: [], runFonts: [] };
  }
}

/**
 * Word's default font: the default paragraph style's w:ascii, else the document defaults', else the
 * theme's minor (body) Latin font.
 */
function defaultWordFont(texts: Map<string, string>): string[] {
  const styles = texts.get('word/styles.xml') ?? '';
  const normal = /<w:style w:type="paragraph" w:default="1"[\s\S]*?<\/w:style>/.exec(styles)?.[0] ?? '';
  const defaults = /<w:docDefaults>[\s\S]*?<\/w:docDefaults>/.exec(styles)?.[0] ?? '';
  const named = [...attributeValues(normal, 'w:ascii'), ...attributeValues(defaults, 'w:ascii')].slice(0, 1);
  if (named.length > 0) return named;
  const minor =
    /<a:minorFont>[\s\S]*?<\/a:minorFont>/.exec(texts.get('word/theme/theme1.xml') ?? '')?.[0] ?? '';
  return latinTypefaces(minor);
}

/** The families of an RTF font table: `{\f0\froman\fcharset0 Times New Roman;}` and its alternates. */
function rtfFonts(rtf: string): string[] {
  const start = rtf.indexOf('{\\fonttbl');
  if (start === -1) return [];
  const table = rtf.slice(start, rtf.indexOf('}}', start) + 2).replace(/\{\\\*[^{}]*\}/g, '');
  return fontsNamed(
    [...table.matchAll(/\{\\f\d+(?:\\[a-z]+-?\d* ?)*([^;\\{}]+);/g)].map((match) => match[1] ?? ''),
  );
}

const latinTypefaces = (xml: string) =>
  [...xml.matchAll(/<a:latin typeface="([^"]*)"/g)].map((match) => decodeEntities(match[1] ?? ''));

/** Distinct real family names (theme placeholders such as `+mn-lt` are not families). */
const fontsNamed = (names: string[]) =>
  [...new Set(names.map((name) => name.replace(/^'|'$/g, '').trim()))].filter(
    (name) => name !== '' && !name.startsWith('+'),
  );

// ── the score ──────────────────────────────────────────────────────────────────────────────────────

let installedFamilies: Promise<Set<string>> | undefined;
/** fontconfig's families, lower-cased, each alias of a row counted. */
function installed(): Promise<Set<string>> {
  installedFamilies ??= run('fc-list', [':', 'family']).then(
    ({ stdout }) =>
      new Set(
        stdout
          .split('\n')
          .flatMap((line) => line.split(','))
          .map((name) => name.trim().toLowerCase())
          .filter((name) => name !== ''),
      ),
  );
  return installedFamilies;
}

const isEmbedded = (fonts: PdfFont[], family: string) =>
  fonts.some((font) => font.embedded && (font.name === family || font.name.startsWith(`${family}-`)));

/** Measures `pdf` against its `source`. Never throws for a poor PDF: the caller decides what is enough. */
export async function scoreFidelity(source: string, kind: FidelityKind, pdf: string): Promise<FidelityScore> {
  const [facts, pages, text, fonts, families] = await Promise.all([
    sourceFacts(source, kind),
    pdfPages(pdf),
    pdfText(pdf, { layout: false }),
    pdfFonts(pdf),
    installed(),
  ]);
  const printed = new Set(wordsOf(text));
  // A longer word found inside the text counts too (glued to a neighbour by the layout: `endnotei`).
  const flat = [
    ...text
      .normalize('NFKC')
      .toLowerCase()
      .matchAll(/[\p{L}\p{M}]+/gu),
  ]
    .map(([run]) => run)
    .join(' ');
  const missing = facts.words.filter(
    (word) => !printed.has(word) && !(word.length >= 4 && flat.includes(word)),
  );
  const expectedFonts = [...new Set(facts.runFonts.flatMap((family) => OFFICE_STAND_INS[family] ?? []))];
  return {
    pages,
    expectedPages: facts.expectedPages,
    recall: facts.words.length === 0 ? 1 : (facts.words.length - missing.length) / facts.words.length,
    sourceWords: facts.words.length,
    missingWords: missing.slice(0, 20),
    fonts,
    expectedFonts,
    missingFonts: expectedFonts.filter((family) => !isEmbedded(fonts, family)),
    notEmbedded: fonts.filter((font) => !font.embedded).map((font) => font.name),
    dejaVu: fonts.some((font) => font.name.startsWith('DejaVu')),
    unknownFonts: facts.fonts.filter(
      (family) => OFFICE_STAND_INS[family] === undefined && !families.has(family.toLowerCase()),
    ),
    replacementChars: [...text].filter((char) => char === '\uFFFD').length,
  };
}
