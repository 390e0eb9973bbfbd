import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger, loadConfig } from '@relay/platform';
import { docxPackage, pdfPages, pdfText, storedZip } from '@relay/testing';
import { expect } from 'vitest';
import { ConversionFailed } from '../../src/engines/engine.ts';
import { enginesEnv } from '../../src/engines/engines.ts';
import { LibreOfficePool } from '../../src/engines/libreoffice/pool.ts';
import { interpreterOf } from '../../src/engines/libreoffice/unoserver.ts';

const run = promisify(execFile);

export const silentLogger = createLogger({ name: 'engines-test', level: 'silent' });

/** A real pool of `size` warm instances working under `scratchPath`, not yet started. */
export function testPool(scratchPath: string, size: number, timeoutMs = 60_000): LibreOfficePool {
  return new LibreOfficePool({
    size,
    unoserverBin: loadConfig(enginesEnv, {}).UNOSERVER_BIN,
    workDir: join(scratchPath, 'work'),
    timeoutMs,
    recycleAfter: 200,
    recycleRssBytes: 1024 * 1024 * 1024,
    logger: silentLogger,
  });
}

/** The ConversionFailed a conversion ended with; fails the test if it succeeded or threw anything else. */
export async function failure(promise: Promise<unknown>): Promise<ConversionFailed> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConversionFailed);
  return error as ConversionFailed;
}

export const newMarker = () => `RELAY${randomBytes(6).toString('hex').toUpperCase()}`;

export async function scratchDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'relay-engines-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

// One reading of a PDF for every test: the fidelity scorer's.
export { pdfPages, pdfText };

export async function pdfInfo(path: string): Promise<string> {
  return (await run('pdfinfo', ['-meta', path])).stdout;
}

/** `pdfimages -list` rows: one per image drawn in the PDF. */
export async function pdfImageCount(path: string): Promise<number> {
  const { stdout } = await run('pdfimages', ['-list', path]);
  return stdout.trim().split('\n').length - 2;
}

const OFFICE_NAMESPACES = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"',
  'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"',
  'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"',
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
  'xmlns:xlink="http://www.w3.org/1999/xlink"',
  'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0"',
  'xmlns:ooo="http://openoffice.org/2004/office"',
  'xmlns:dom="http://www.w3.org/2001/xml-events"',
].join(' ');

const flatDocument = (mimetype: string, body: string, head = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>
<office:document ${OFFICE_NAMESPACES} office:version="1.3" office:mimetype="${mimetype}">${head}<office:body>${body}</office:body></office:document>`;

/** A flat ODF text of `pages` pages, the marker on the first. */
export const flatText = (marker: string, pages: number) =>
  flatDocument(
    'application/vnd.oasis.opendocument.text',
    `<office:text><text:p>${marker} page 1</text:p>${Array.from(
      { length: pages - 1 },
      (_, index) => `<text:p text:style-name="NewPage">page ${index + 2}</text:p>`,
    ).join('')}</office:text>`,
    `<office:automatic-styles><style:style style:name="NewPage" style:family="paragraph"><style:paragraph-properties fo:break-before="page"/></style:style></office:automatic-styles>`,
  );

/** A flat ODF spreadsheet of `sheets` sheets (one printed page each), the marker alone in A1 (never clipped). */
export const flatSpreadsheet = (marker: string, sheets: number) =>
  flatDocument(
    'application/vnd.oasis.opendocument.spreadsheet',
    `<office:spreadsheet>${Array.from(
      { length: sheets },
      (_, index) =>
        `<table:table table:name="Sheet${index + 1}"><table:table-row><table:table-cell office:value-type="string"><text:p>${
          index === 0 ? marker : `sheet ${index + 1}`
        }</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="42"><text:p>42</text:p></table:table-cell></table:table-row></table:table>`,
    ).join('')}</office:spreadsheet>`,
  );

/** A flat ODF presentation of `slides` slides, the marker on the first. */
export const flatPresentation = (marker: string, slides: number) =>
  flatDocument(
    'application/vnd.oasis.opendocument.presentation',
    `<office:presentation>${Array.from(
      { length: slides },
      (_, index) =>
        `<draw:page draw:name="Slide${index + 1}"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="4cm"><draw:text-box><text:p>${
          index === 0 ? marker : `slide ${index + 1}`
        }</text:p></draw:text-box></draw:frame></draw:page>`,
    ).join('')}</office:presentation>`,
  );

/** The parts every hand-built ODF package needs; `content` is the office:document-content body. */
export function odtPackage(content: string, extra: Record<string, string> = {}): Buffer {
  const files = Object.keys(extra)
    .map((path) => `<manifest:file-entry manifest:full-path="${path}" manifest:media-type="text/xml"/>`)
    .join('');
  return storedZip({
    mimetype: 'application/vnd.oasis.opendocument.text',
    'META-INF/manifest.xml': `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>${files}</manifest:manifest>`,
    'content.xml': `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content ${OFFICE_NAMESPACES} office:version="1.3">${content}</office:document-content>`,
    ...extra,
  });
}

export { docxPackage };

/** A docx paragraph holding an image that is linked (not embedded) through relationship `rId`. */
export const linkedImageParagraph = (relationshipId: string) =>
  `<w:p><w:r><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/><wp:docPr id="1" name="Linked"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="x.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:link="${relationshipId}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`;

export const wordParagraph = (text: string) => `<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`;

export const externalImageRelationship = (id: string, target: string) =>
  `<Relationship Id="${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="${target}" TargetMode="External"/>`;

/** Saves `source` as `target` with a password, through the UNO port of a running soffice (the pool's own). */
const ENCRYPT_SCRIPT = `
import sys, uno
from com.sun.star.beans import PropertyValue
port, source, target, filter_name, password = sys.argv[1:6]
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
remote = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (PropertyValue(Name="Hidden", Value=True),))
document.storeToURL(uno.systemPathToFileUrl(target), (PropertyValue(Name="FilterName", Value=filter_name), PropertyValue(Name="Password", Value=password)))
document.close(True)
`;

export async function savePasswordProtected(options: {
  unoserverBin: string;
  unoserverPid: number;
  source: string;
  target: string;
  filter: string;
}): Promise<void> {
  const commandLine = (await readFile(`/proc/${options.unoserverPid}/cmdline`, 'utf8')).split('\0');
  const unoPort = commandLine[commandLine.indexOf('--uno-port') + 1] ?? '';
  await run(await interpreterOf(options.unoserverBin), [
    '-c',
    ENCRYPT_SCRIPT,
    unoPort,
    options.source,
    options.target,
    options.filter,
    'sesame',
  ]);
}
