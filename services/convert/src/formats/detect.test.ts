import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceFormat } from '@relay/contracts';
import * as CFB from 'cfb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip, deflatedZeros } from '../../test/fixtures/zip-writer.ts';
import { inspectUpload } from './detect.ts';

const fixtures = fileURLToPath(new URL('../../test/fixtures/formats/', import.meta.url));
let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-detect-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The upload as convert-api sees it: content on disk under a name of its own, plus a declared name. */
async function upload(content: Buffer | string) {
  const path = join(dir, `upload-${counter++}`);
  await writeFile(path, content);
  return path;
}
const sample = (name: string) => join(fixtures, name);

describe('inspectUpload: every format from a real sample', () => {
  // Every format the contract names: one added without a sample fails here.
  it.each(SourceFormat.options)('%s', async (format) => {
    expect(await inspectUpload(sample(`sample.${format}`), `report.${format}`)).toEqual({
      ok: true,
      format,
      passwordProtected: false,
    });
  });

  it('decides from content, not from where the upload was stored', async () => {
    // The temp file has no extension at all; only the declared name has one.
    const path = await upload(await readFile(sample('sample.docx')));
    expect(await inspectUpload(path, 'C:\\Users\\me\\Report.DOCX')).toMatchObject({
      ok: true,
      format: 'docx',
    });
  });
});

describe('inspectUpload: password-protected files', () => {
  it.each([
    ['encrypted.docx', 'docx'],
    ['encrypted.xlsx', 'xlsx'],
    ['encrypted.odt', 'odt'],
    ['encrypted.doc', 'doc'],
    ['encrypted.xls', 'xls'],
    ['encrypted.pptx', 'pptx'],
  ] as const)('%s is %s, password-protected', async (file, format) => {
    expect(await inspectUpload(sample(file), file)).toEqual({ ok: true, format, passwordProtected: true });
  });

  it('reads the encryption mark of a ppt, which LibreOffice cannot write', async () => {
    // [MS-PPT] CurrentUserAtom.headerToken: what PowerPoint writes for an encrypted presentation.
    const container = CFB.read(await readFile(sample('sample.ppt')), { type: 'buffer' });
    const currentUser = CFB.find(container, '/Current User');
    if (!currentUser) throw new Error('sample.ppt has no Current User stream');
    const content = Buffer.from(currentUser.content as Uint8Array);
    expect(content.readUInt32LE(12)).toBe(0xe391c05f);
    content.writeUInt32LE(0xf3d1c4df, 12);
    currentUser.content = content;
    const path = await upload(Buffer.from(CFB.write(container, { type: 'buffer' }) as Uint8Array));
    expect(await inspectUpload(path, 'deck.ppt')).toEqual({
      ok: true,
      format: 'ppt',
      passwordProtected: true,
    });
  });

  it('takes an encrypted OOXML kind from its name, which is all that tells docx, xlsx and pptx apart', async () => {
    expect(await inspectUpload(sample('encrypted.docx'), 'deck.pptx')).toEqual({
      ok: true,
      format: 'pptx',
      passwordProtected: true,
    });
    expect(await inspectUpload(sample('encrypted.docx'), 'report.odt')).toMatchObject({
      ok: false,
      code: 'format_mismatch',
      detail: expect.stringContaining('password-protected Office document'),
    });
    expect(await inspectUpload(sample('encrypted.docx'), 'report')).toMatchObject({
      ok: false,
      code: 'unsupported_format',
    });
  });
});

describe('inspectUpload: declared names', () => {
  it.each([
    ['sample.html', 'page.htm', 'html'],
    ['sample.jpeg', 'photo.jpg', 'jpeg'],
    ['sample.tiff', 'scan.tif', 'tiff'],
    ['sample.heic', 'photo.heif', 'heic'],
    ['sample.md', 'readme.markdown', 'md'],
    ['sample.jpeg', 'PHOTO.JPG', 'jpeg'],
  ])('%s declared as %s is %s', async (file, declared, format) => {
    expect(await inspectUpload(sample(file), declared)).toMatchObject({ ok: true, format });
  });

  it.each([
    ['sample.xlsx', 'xlsx'],
    ['sample.odp', 'odp'],
    ['sample.png', 'png'],
    ['sample.html', 'html'],
    ['sample.txt', 'txt'],
    ['sample.md', 'txt'],
  ])('%s with no extension is taken as detected: %s', async (file, format) => {
    expect(await inspectUpload(sample(file), 'upload')).toMatchObject({ ok: true, format });
  });

  it('refuses a docx named .xlsx, saying what it is', async () => {
    expect(await inspectUpload(sample('sample.docx'), 'budget.xlsx')).toEqual({
      ok: false,
      code: 'format_mismatch',
      detail: "The file's name says .xlsx but it is a Word document (docx).",
    });
  });

  it.each([
    ['sample.odt', 'letter.docx', 'OpenDocument text (odt)'],
    ['sample.doc', 'letter.docx', 'Word 97–2003 document (doc)'],
    ['sample.png', 'photo.jpg', 'PNG image (png)'],
    ['sample.txt', 'notes.docx', 'a text file'],
    ['sample.txt', 'notes.log', 'a text file'],
    ['sample.html', 'page.txt', 'HTML page (html)'],
    ['sample.ppt', 'deck.xls', 'PowerPoint 97–2003 presentation (ppt)'],
  ])('refuses %s declared as %s (it is %s)', async (file, declared, words) => {
    const result = await inspectUpload(sample(file), declared);
    expect(result).toMatchObject({ ok: false, code: 'format_mismatch' });
    expect(result.ok ? '' : result.detail).toContain(words);
  });
});

describe('inspectUpload: text', () => {
  it.each(['notes.txt', 'notes.md', 'table.csv'])(
    'lets %s choose among the look-alike text formats',
    async (name) => {
      expect(await inspectUpload(sample('sample.csv'), name)).toMatchObject({
        ok: true,
        format: name.split('.')[1],
      });
    },
  );

  it('reads UTF-16 with a byte-order mark, and UTF-8 with one', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('RELAY-FIXTURE\r\nzweite Zeile\f', 'utf16le'),
    ]);
    expect(await inspectUpload(await upload(utf16), 'notes.txt')).toMatchObject({ ok: true, format: 'txt' });
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n1,2\n')]);
    expect(await inspectUpload(await upload(utf8), 'table.csv')).toMatchObject({ ok: true, format: 'csv' });
  });

  it('sniffs html after a byte-order mark, white space and comments', async () => {
    const page =
      '\ufeff  <!-- generated -->\n<!-- twice -->\n<HTML lang="en"><body>RELAY-FIXTURE</body></HTML>';
    expect(await inspectUpload(await upload(page), 'export')).toMatchObject({ ok: true, format: 'html' });
    expect(await inspectUpload(await upload(page), 'export.txt')).toMatchObject({
      ok: false,
      code: 'format_mismatch',
    });
  });

  it('takes html without a doctype when it is named .html', async () => {
    expect(await inspectUpload(await upload('<p>RELAY-FIXTURE</p>'), 'page.html')).toMatchObject({
      ok: true,
      format: 'html',
    });
  });

  it.each([
    ['a NUL byte', Buffer.from('RELAY\0FIXTURE')],
    ['an escape byte', Buffer.from('colour \x1b[31m red')],
    ['bytes that are not UTF-8', Buffer.from('caf\xe9 cr\xe8me', 'latin1')],
    ['UTF-16 without a byte-order mark', Buffer.from('RELAY-FIXTURE', 'utf16le')],
  ])('refuses text with %s as unsupported', async (_, content) => {
    expect(await inspectUpload(await upload(content), 'notes.txt')).toMatchObject({
      ok: false,
      code: 'unsupported_format',
    });
  });

  it('finds a control byte far past the start', async () => {
    const content = Buffer.concat([Buffer.alloc(200_000, 'a'), Buffer.from([0x00]), Buffer.from('tail')]);
    expect(await inspectUpload(await upload(content), 'notes.txt')).toMatchObject({
      code: 'unsupported_format',
    });
  });
});

describe('inspectUpload: what is not a document', () => {
  it('refuses an executable renamed .docx', async () => {
    const path = join(dir, 'true.docx');
    await copyFile('/bin/true', path);
    expect(await inspectUpload(path, 'invoice.docx')).toEqual({
      ok: false,
      code: 'unsupported_format',
      detail: 'The file is a Linux executable (ELF), not a document.',
    });
  });

  it('refuses a Windows executable and a PDF, naming them', async () => {
    // A DOS stub is enough for a reader of magic bytes: "MZ", then the PE header's offset at 0x3c.
    const exe = Buffer.alloc(256);
    exe.write('MZ', 0, 'latin1');
    exe.writeUInt32LE(0x80, 0x3c);
    exe.write('PE\0\0', 0x80, 'latin1');
    expect(await inspectUpload(await upload(exe), 'setup.docx')).toMatchObject({
      code: 'unsupported_format',
      detail: 'The file is a Windows executable, not a document.',
    });
    const pdf = '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
    expect(await inspectUpload(await upload(pdf), 'report.pdf')).toMatchObject({
      code: 'unsupported_format',
      detail: 'The file is a PDF: Relay converts to PDF, not from it.',
    });
  });

  it('refuses an empty file, unknown binary, a plain zip and other packages', async () => {
    const cases: Array<[Buffer, string, string]> = [
      [Buffer.alloc(0), 'empty.docx', 'empty'],
      [Buffer.from([0x01, 0x02, 0x03, 0x04, 0xff, 0x00]), 'blob.docx', 'unrecognised binary'],
      [
        buildZip([{ name: 'notes.txt', data: Buffer.from('x') }]),
        'notes.docx',
        'zip archive, not a document',
      ],
      [
        buildZip([
          { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
          { name: 'visio/document.xml' },
        ]),
        'drawing.docx',
        'not a Word, Excel or PowerPoint',
      ],
      [
        buildZip([{ name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.graphics') }]),
        'drawing.odt',
        'opendocument.graphics',
      ],
    ];
    for (const [content, name, words] of cases) {
      const result = await inspectUpload(await upload(content), name);
      expect(result, name).toMatchObject({ ok: false, code: 'unsupported_format' });
      expect(result.ok ? '' : result.detail).toContain(words);
    }
  });

  it('refuses a compound file that holds no Office document', async () => {
    const container = CFB.utils.cfb_new();
    CFB.utils.cfb_add(container, '/__substg1.0_0037001F', Buffer.from('subject'));
    const path = await upload(Buffer.from(CFB.write(container, { type: 'buffer' }) as Uint8Array));
    expect(await inspectUpload(path, 'mail.doc')).toMatchObject({
      ok: false,
      code: 'unsupported_format',
      detail: expect.stringContaining('OLE compound file'),
    });
  });
});

describe('inspectUpload: archives are checked before anything reads them', () => {
  it('refuses a docx zip bomb as archive_too_large', async () => {
    const bomb = buildZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'word/document.xml', data: Buffer.from('<w:document/>') },
      { name: 'word/media/image1.png', compressed: await deflatedZeros(300 * 1024 * 1024) },
    ]);
    expect(await inspectUpload(await upload(bomb), 'bomb.docx')).toMatchObject({
      ok: false,
      code: 'archive_too_large',
    });
  });

  it('refuses a 100,000-entry "docx" as archive_too_large', async () => {
    const many = buildZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'word/document.xml', data: Buffer.from('<w:document/>') },
      ...Array.from({ length: 100_000 }, (_, i) => ({ name: `word/p${i}.xml` })),
    ]);
    expect(await inspectUpload(await upload(many), 'many.docx')).toMatchObject({
      ok: false,
      code: 'archive_too_large',
      detail: expect.stringContaining('at most 10,000'),
    });
  });

  it('applies the limits it is given', async () => {
    expect(
      await inspectUpload(sample('sample.docx'), 'report.docx', {
        maxEntries: 3,
        maxUncompressedBytes: 1024 ** 3,
        maxRatio: 200,
      }),
    ).toMatchObject({ ok: false, code: 'archive_too_large' });
  });

  it('refuses a truncated docx as archive_invalid', async () => {
    const docx = await readFile(sample('sample.docx'));
    const result = await inspectUpload(
      await upload(docx.subarray(0, Math.floor(docx.length / 2))),
      'cut.docx',
    );
    expect(result).toMatchObject({ ok: false, code: 'archive_invalid' });
  });

  it('refuses an ODF whose mimetype entry inflates past its declared size as archive_invalid', async () => {
    const mimetype = Buffer.from('application/vnd.oasis.opendocument.text');
    const lying = buildZip([{ name: 'mimetype', data: mimetype, method: 'deflate' }]);
    // The directory declares 4 bytes where 39 inflate: a reader that trusts it would be lied to.
    const central = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(4, central + 24);
    expect(await inspectUpload(await upload(lying), 'letter.odt')).toMatchObject({
      ok: false,
      code: 'archive_invalid',
    });
  });

  it('refuses a corrupt compound file as archive_invalid', async () => {
    const doc = await readFile(sample('sample.doc'));
    const corrupt = Buffer.concat([doc.subarray(0, 512), Buffer.alloc(512, 0xff)]);
    expect(await inspectUpload(await upload(corrupt), 'letter.doc')).toMatchObject({
      ok: false,
      code: 'archive_invalid',
    });
  });
});
