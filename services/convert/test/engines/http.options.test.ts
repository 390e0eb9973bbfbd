import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversionOptions } from '../../src/engines/engine.ts';
import { createHttpEngine } from '../../src/engines/http.engine.ts';
import { PASSWORD_NEEDED, WRONG_PASSWORD } from '../../src/engines/libreoffice/encryption.ts';
import { failure, scratchDirectory, silentLogger } from './fixtures.ts';

/** The fields each request to the stand-in carried, and what it answers (Gotenberg 8's words). */
let received: Array<Record<string, string>> = [];
let refusal: string | undefined;
const DOCUMENT_PAGES = 4;

let server: Server;
let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let engine: ReturnType<typeof createHttpEngine>;

/** A PDF of `count` pages, as LibreOffice behind Gotenberg would write for nativePageRanges. */
async function pdfOf(count: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (let page = 0; page < count; page++) pdf.addPage([200, 200]);
  return pdf.save();
}

beforeAll(async () => {
  scratch = await scratchDirectory();
  await writeFile(join(scratch.path, 'input.docx'), 'a document');
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = await new Request('http://local', {
      method: 'POST',
      headers: { 'content-type': request.headers['content-type'] ?? '' },
      body: Buffer.concat(chunks),
    }).formData();
    const fields: Record<string, string> = {};
    for (const [name, value] of form.entries()) if (typeof value === 'string') fields[name] = value;
    received.push(fields);
    if (refusal !== undefined) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end(refusal);
      return;
    }
    const ranges = fields.nativePageRanges;
    const count = ranges === undefined ? DOCUMENT_PAGES : ranges.split(',').length;
    response.writeHead(200, { 'content-type': 'application/pdf' }).end(Buffer.from(await pdfOf(count)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  engine = createHttpEngine({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5000, logger: silentLogger });
});

afterAll(async () => {
  server?.close();
  await scratch?.remove();
});

async function convert(options: ConversionOptions) {
  received = [];
  const outputPath = join(scratch.path, 'out.pdf');
  await engine.convert({
    inputPath: join(scratch.path, 'input.docx'),
    outputPath,
    sourceFormat: 'docx',
    target: 'pdf',
    options,
  });
  return (await PDFDocument.load(await readFile(outputPath))).getPageCount();
}

describe('http engine options (Gotenberg form fields)', () => {
  it('sends pdfa as PDF/A-<level>, pdfua and the password', async () => {
    refusal = undefined;
    await convert({ pdfa: '3b', pdfua: true, password: 'sesame' });
    expect(received).toEqual([{ pdfa: 'PDF/A-3b', pdfua: 'true', password: 'sesame' }]);
  });

  it('pages: the whole document counts them, then nativePageRanges cuts them', async () => {
    refusal = undefined;
    expect(await convert({ pages: '2-2,4-4' })).toBe(2);
    expect(received.map((fields) => fields.nativePageRanges)).toEqual([undefined, '2-2,4-4']);
  });

  it('a page past the last fails for good without a second request', async () => {
    refusal = undefined;
    const failed = await failure(convert({ pages: '3-6' }));
    expect(failed.reason).toBe('The document has 4 pages; page 6 does not exist.');
    expect(received).toHaveLength(1);
  });

  it("reads Gotenberg's password refusals", async () => {
    refusal = "The password for the document 'document.docx' is incorrect. Check the 'password' form field.";
    expect((await failure(convert({ password: 'nope' }))).reason).toBe(WRONG_PASSWORD);
    refusal =
      "The document 'document.docx' is password-protected. Provide its password in the 'password' form field.";
    expect((await failure(convert({}))).reason).toBe(PASSWORD_NEEDED);
  });
});
