import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { SourceFormat } from '@relay/contracts';
import * as CFB from 'cfb';
import { fileTypeFromBuffer } from 'file-type';
import { type ArchiveLimits, type CheckedZip, DEFAULT_ARCHIVE_LIMITS, openCheckedZip } from './zip-guard.ts';

export type Inspection =
  | { ok: true; format: SourceFormat; passwordProtected: boolean }
  | {
      ok: false;
      code: 'unsupported_format' | 'format_mismatch' | 'archive_too_large' | 'archive_invalid';
      detail: string;
    };

type Refusal = Extract<Inspection, { ok: false }>;

/** What the content turned out to be, before the declared name is compared with it. */
type Found =
  | { kind: 'format'; format: SourceFormat; passwordProtected: boolean }
  // Encrypted OOXML hides which of the three it is: only the name can tell.
  | { kind: 'encrypted-ooxml' }
  // txt, md and csv look alike; html is told by its start, or by its name.
  | { kind: 'text'; looksLikeHtml: boolean }
  | Refusal;

const DESCRIPTIONS: Record<SourceFormat, string> = {
  doc: 'a Word 97–2003 document (doc)',
  docx: 'a Word document (docx)',
  odt: 'an OpenDocument text (odt)',
  rtf: 'a Rich Text document (rtf)',
  txt: 'a plain text file (txt)',
  md: 'a Markdown file (md)',
  html: 'an HTML page (html)',
  xls: 'an Excel 97–2003 workbook (xls)',
  xlsx: 'an Excel workbook (xlsx)',
  ods: 'an OpenDocument spreadsheet (ods)',
  csv: 'a CSV file (csv)',
  ppt: 'a PowerPoint 97–2003 presentation (ppt)',
  pptx: 'a PowerPoint presentation (pptx)',
  odp: 'an OpenDocument presentation (odp)',
  png: 'a PNG image (png)',
  jpeg: 'a JPEG image (jpeg)',
  webp: 'a WebP image (webp)',
  avif: 'an AVIF image (avif)',
  tiff: 'a TIFF image (tiff)',
  gif: 'a GIF image (gif)',
  heic: 'a HEIC/HEIF image (heic)',
};

const EXTENSION_ALIASES: Readonly<Record<string, SourceFormat>> = {
  htm: 'html',
  jpg: 'jpeg',
  tif: 'tiff',
  heif: 'heic',
  markdown: 'md',
};

const TEXT_FORMATS = new Set<SourceFormat>(['txt', 'md', 'csv', 'html']);

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const EMPTY_ZIP_MAGIC = Buffer.from('PK\x05\x06', 'latin1');
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const RTF_MAGIC = Buffer.from('{\\rtf', 'latin1');
// Enough for every signature file-type knows, and for a text file's start.
const HEAD_BYTES = 64 * 1024;

const ODF_MIMETYPES: Readonly<Record<string, SourceFormat>> = {
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
};

// Main parts at the places every Office and LibreOffice writer puts them.
const OOXML_MAIN_PARTS: ReadonlyArray<readonly [string, SourceFormat]> = [
  ['word/document.xml', 'docx'],
  ['xl/workbook.xml', 'xlsx'],
  ['ppt/presentation.xml', 'pptx'],
];

const IMAGE_TYPES: Readonly<Record<string, SourceFormat>> = {
  png: 'png',
  jpg: 'jpeg',
  webp: 'webp',
  avif: 'avif',
  tif: 'tiff',
  gif: 'gif',
  heic: 'heic',
};

// Names people recognise for what is most often uploaded by mistake (file-type's extension → words).
const KNOWN_OTHER_TYPES: Readonly<Record<string, string>> = {
  exe: 'a Windows executable',
  elf: 'a Linux executable (ELF)',
  macho: 'a macOS executable',
  zip: 'a zip archive',
  gz: 'a gzip archive',
  '7z': 'a 7-Zip archive',
  rar: 'a RAR archive',
  tar: 'a tar archive',
  bz2: 'a bzip2 archive',
  xz: 'an xz archive',
  mp3: 'an MP3 audio file',
  mp4: 'an MP4 video',
  svg: 'an SVG image',
  bmp: 'a BMP image',
  ico: 'an icon file',
  psd: 'a Photoshop image',
};

/**
 * Decides from the content what the file at `path` is, and checks that its declared name agrees.
 * Zips are checked against `limits` from their central directory before any part of them is read.
 */
export async function inspectUpload(
  path: string,
  declaredName: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<Inspection> {
  const declared = declaredExtension(declaredName);
  const found = await identify(path, limits);
  if ('ok' in found) return found;

  const declaredFormat = declared === undefined ? undefined : formatForExtension(declared);
  const says = `The file's name says .${declared}`;
  switch (found.kind) {
    case 'format': {
      if (declared === undefined || declaredFormat === found.format)
        return ok(found.format, found.passwordProtected);
      return mismatch(`${says} but it is ${DESCRIPTIONS[found.format]}.`);
    }
    case 'encrypted-ooxml': {
      if (declaredFormat === 'docx' || declaredFormat === 'xlsx' || declaredFormat === 'pptx') {
        return ok(declaredFormat, true);
      }
      const what = 'a password-protected Office document (docx, xlsx or pptx)';
      if (declared === undefined) {
        return unsupported(`The file is ${what}; name it .docx, .xlsx or .pptx so Relay knows which.`);
      }
      return mismatch(`${says} but it is ${what}.`);
    }
    case 'text': {
      if (found.looksLikeHtml) {
        if (declared === undefined || declaredFormat === 'html') return ok('html', false);
        return mismatch(`${says} but it is ${DESCRIPTIONS.html}.`);
      }
      if (declared === undefined) return ok('txt', false);
      if (declaredFormat !== undefined && TEXT_FORMATS.has(declaredFormat)) return ok(declaredFormat, false);
      return mismatch(`${says} but it is a text file (name it .txt, .md, .csv or .html).`);
    }
  }
}

async function identify(path: string, limits: ArchiveLimits): Promise<Found> {
  const head = await readHead(path);
  if (head.length === 0) return unsupported('The file is empty.');
  if (startsWith(head, ZIP_MAGIC) || startsWith(head, EMPTY_ZIP_MAGIC)) return identifyZip(path, limits);
  if (startsWith(head, CFB_MAGIC)) return identifyCompoundFile(path);
  if (startsWith(head, RTF_MAGIC)) return { kind: 'format', format: 'rtf', passwordProtected: false };

  const type = await fileTypeFromBuffer(head);
  if (type && IMAGE_TYPES[type.ext]) {
    return { kind: 'format', format: IMAGE_TYPES[type.ext] as SourceFormat, passwordProtected: false };
  }
  // XML is text to us; anything else file-type names is a binary format Relay does not read.
  if (type?.ext === 'pdf') return unsupported('The file is a PDF: Relay converts to PDF, not from it.');
  if (type && type.mime !== 'application/xml' && !type.mime.startsWith('text/')) {
    return unsupported(
      `The file is ${KNOWN_OTHER_TYPES[type.ext] ?? `a ${type.ext} file (${type.mime})`}, not a document.`,
    );
  }
  const text = await decodeText(path, head);
  if (text === undefined)
    return unsupported('The file is not a document or image Relay reads (unrecognised binary content).');
  return { kind: 'text', looksLikeHtml: startsLikeHtml(text) };
}

async function identifyZip(path: string, limits: ArchiveLimits): Promise<Found> {
  const zip = await openCheckedZip(path, limits);
  if (!zip.ok) return zip;
  try {
    return await identifyPackage(zip);
  } catch (error) {
    return {
      ok: false,
      code: 'archive_invalid',
      detail: `The zip archive is damaged: a part of it cannot be read (${error instanceof Error ? error.message : String(error)}).`,
    };
  } finally {
    zip.close();
  }
}

async function identifyPackage(zip: CheckedZip): Promise<Found> {
  const lowerNames = new Set(zip.names.map((name) => name.toLowerCase()));
  if (lowerNames.has('[content_types].xml')) {
    for (const [part, format] of OOXML_MAIN_PARTS) {
      if (lowerNames.has(part)) return { kind: 'format', format, passwordProtected: false };
    }
    return unsupported(
      'The file is an Office Open XML package that is not a Word, Excel or PowerPoint document.',
    );
  }
  // ODF puts its mimetype first, stored, so that readers can tell the kind without a directory search.
  if (zip.names[0] === 'mimetype') {
    const mimetype = (await zip.readEntry('mimetype', 256)).toString('latin1').trim();
    const format = ODF_MIMETYPES[mimetype];
    if (!format)
      return unsupported(`The file is an OpenDocument file of a kind Relay does not convert (${mimetype}).`);
    return { kind: 'format', format, passwordProtected: await odfIsEncrypted(zip) };
  }
  return unsupported('The file is a zip archive, not a document.');
}

async function odfIsEncrypted(zip: CheckedZip) {
  if (!zip.names.includes('META-INF/manifest.xml')) return false;
  // A manifest lists every part in a line or two; 8 MiB covers the 10,000 entries the guard allows.
  const manifest = (await zip.readEntry('META-INF/manifest.xml', 8 * 1024 * 1024)).toString('utf8');
  return /<(?:[\w-]+:)?encryption-data[\s/>]/.test(manifest);
}

async function identifyCompoundFile(path: string): Promise<Found> {
  let container: CFB.CFB$Container;
  try {
    // Uploads are capped (25 MiB by default), so reading the compound file whole is bounded.
    container = CFB.read(await readFile(path), { type: 'buffer' });
  } catch (error) {
    return {
      ok: false,
      code: 'archive_invalid',
      detail: `The file is a damaged Office compound file: its directory cannot be read (${error instanceof Error ? error.message : String(error)}).`,
    };
  }
  const stream = (name: string) => {
    const entry = CFB.find(container, `/${name}`);
    return entry && entry.type === 2 ? Buffer.from(entry.content as Uint8Array) : undefined;
  };
  if (stream('EncryptionInfo') && stream('EncryptedPackage')) return { kind: 'encrypted-ooxml' };

  const wordDocument = stream('WordDocument');
  if (wordDocument)
    return { kind: 'format', format: 'doc', passwordProtected: wordIsEncrypted(wordDocument) };
  const workbook = stream('Workbook') ?? stream('Book');
  if (workbook) return { kind: 'format', format: 'xls', passwordProtected: workbookIsEncrypted(workbook) };
  if (stream('PowerPoint Document')) {
    return {
      kind: 'format',
      format: 'ppt',
      passwordProtected: presentationIsEncrypted(stream('Current User')),
    };
  }
  return unsupported(
    'The file is an OLE compound file that is not a Word, Excel or PowerPoint document (for example an installer or an Outlook message).',
  );
}

// [MS-DOC] FIB: fEncrypted is bit 8 of the flags word at offset 10.
const wordIsEncrypted = (wordDocument: Buffer) =>
  wordDocument.length >= 12 && (wordDocument.readUInt16LE(10) & 0x0100) !== 0;

// [MS-XLS] a FILEPASS record (0x002F) in the workbook globals, which end at the first EOF (0x000A).
function workbookIsEncrypted(workbook: Buffer) {
  for (let offset = 0; offset + 4 <= workbook.length; ) {
    const type = workbook.readUInt16LE(offset);
    if (type === 0x002f) return true;
    if (type === 0x000a) return false;
    offset += 4 + workbook.readUInt16LE(offset + 2);
  }
  return false;
}

// [MS-PPT] CurrentUserAtom.headerToken: 0xF3D1C4DF when the document is encrypted.
const presentationIsEncrypted = (currentUser: Buffer | undefined) =>
  currentUser !== undefined && currentUser.length >= 16 && currentUser.readUInt32LE(12) === 0xf3d1c4df;

/** The whole file decoded as text, or undefined when it is not text (bad encoding, control bytes). */
async function decodeText(path: string, head: Buffer): Promise<string | undefined> {
  let encoding: 'utf-8' | 'utf-16le' | 'utf-16be' = 'utf-8';
  let skip = 0;
  if (startsWith(head, Buffer.from([0xef, 0xbb, 0xbf]))) skip = 3;
  else if (startsWith(head, Buffer.from([0xff, 0xfe]))) [encoding, skip] = ['utf-16le', 2];
  else if (startsWith(head, Buffer.from([0xfe, 0xff]))) [encoding, skip] = ['utf-16be', 2];

  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  let start = '';
  try {
    // Streamed so a 25 MiB text is never one string; only its start is kept, for the HTML sniff.
    for await (const chunk of createReadStream(path, { start: skip }) as AsyncIterable<Buffer>) {
      const decoded = decoder.decode(chunk, { stream: true });
      if (FORBIDDEN_CONTROL.test(decoded)) return undefined;
      if (start.length < 4096) start += decoded.slice(0, 4096);
    }
    if (FORBIDDEN_CONTROL.test(decoder.decode())) return undefined;
  } catch {
    return undefined;
  }
  return start;
}

// Text has tabs, line ends and form feeds; any other C0 control (NUL first of all) or DEL means binary.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const FORBIDDEN_CONTROL = /[\x00-\x08\x0b\x0e-\x1f\x7f]/;

function startsLikeHtml(text: string) {
  let rest = text;
  for (;;) {
    rest = rest.trimStart();
    if (!rest.startsWith('<!--')) break;
    const end = rest.indexOf('-->');
    if (end === -1) return false;
    rest = rest.slice(end + 3);
  }
  return /^<(?:!doctype\s+html|html)[\s>]/i.test(rest);
}

function declaredExtension(name: string): string | undefined {
  const base = name.split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  // ".bashrc" and "notes." have no extension.
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return base.slice(dot + 1).toLowerCase();
}

function formatForExtension(extension: string): SourceFormat | undefined {
  if (extension in EXTENSION_ALIASES) return EXTENSION_ALIASES[extension];
  return extension in DESCRIPTIONS ? (extension as SourceFormat) : undefined;
}

async function readHead(path: string) {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

const startsWith = (buffer: Buffer, prefix: Buffer) =>
  buffer.length >= prefix.length && buffer.subarray(0, prefix.length).equals(prefix);

const ok = (format: SourceFormat, passwordProtected: boolean): Inspection => ({
  ok: true,
  format,
  passwordProtected,
});
const mismatch = (detail: string): Refusal => ({ ok: false, code: 'format_mismatch', detail });
const unsupported = (detail: string): Refusal => ({ ok: false, code: 'unsupported_format', detail });
