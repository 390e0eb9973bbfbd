import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversionRequest } from '../../src/engines/engine.ts';
import { createEngines } from '../../src/engines/engines.ts';
import { createHttpEngine } from '../../src/engines/http.engine.ts';
import { failure, scratchDirectory, silentLogger } from './fixtures.ts';

/** What the fake service saw of one request. */
interface Received {
  path: string;
  fileName: string | undefined;
  fileBody: string;
  pdfa: string | undefined;
}

type Behaviour = (request: IncomingMessage, response: ServerResponse, attempt: number) => void;

const PDF_BYTES = '%PDF-1.7\n% a stand-in body\n%%EOF\n';
const answerPdf: Behaviour = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/pdf' }).end(PDF_BYTES);
};

let server: Server;
let baseUrl: string;
let behaviour: Behaviour = answerPdf;
let received: Received[] = [];
let scratch: Awaited<ReturnType<typeof scratchDirectory>>;

/** A stand-in for Gotenberg's `POST /forms/libreoffice/convert`, parsing the multipart body it gets. */
async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"up"}');
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const form = await new Request('http://local', {
    method: 'POST',
    headers: { 'content-type': request.headers['content-type'] ?? '' },
    body: Buffer.concat(chunks),
  }).formData();
  const file = form.get('files');
  received.push({
    path: request.url ?? '',
    fileName: file instanceof File ? file.name : undefined,
    fileBody: file instanceof File ? await file.text() : '',
    pdfa: form.get('pdfa')?.toString(),
  });
  behaviour(request, response, received.length);
}

beforeAll(async () => {
  scratch = await scratchDirectory();
  await writeFile(join(scratch.path, 'input'), 'the document');
  server = createServer((request, response) => {
    handle(request, response).catch(() => response.writeHead(500).end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  behaviour = answerPdf;
  received = [];
});

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await scratch?.remove();
});

const engine = (timeoutMs = 5000) =>
  createHttpEngine({ baseUrl, timeoutMs, attempts: 3, backoffMs: 10, logger: silentLogger });

const request = (overrides: Partial<ConversionRequest> = {}): ConversionRequest => ({
  inputPath: join(scratch.path, 'input'),
  sourceFormat: 'docx',
  target: 'pdf',
  options: {},
  outputPath: join(scratch.path, 'output.pdf'),
  ...overrides,
});

describe('http engine (Gotenberg route)', () => {
  it('posts the file under its extension to /forms/libreoffice/convert and writes the PDF it gets', async () => {
    await engine().convert(request({ options: { pdfa: '2b' } }));
    expect(await readFile(join(scratch.path, 'output.pdf'), 'utf8')).toBe(PDF_BYTES);
    expect(received).toEqual([
      {
        path: '/forms/libreoffice/convert',
        fileName: 'document.docx',
        fileBody: 'the document',
        pdfa: 'PDF/A-2b',
      },
    ]);
  });

  it('retries a 5xx and succeeds when the service recovers', async () => {
    behaviour = (request, response, attempt) =>
      attempt < 3 ? response.writeHead(503).end('busy') : answerPdf(request, response, attempt);
    await engine().convert(request());
    expect(received).toHaveLength(3);
    expect(await readFile(join(scratch.path, 'output.pdf'), 'utf8')).toBe(PDF_BYTES);
  });

  it('gives up after its attempts on a service that keeps failing, as a retryable failure', async () => {
    behaviour = (_request, response) => response.writeHead(500).end('broken');
    const error = await failure(engine().convert(request()));
    expect(received).toHaveLength(3);
    expect(error.retryable).toBe(true);
    expect(error.reason).toMatch(/did not answer/);
    expect(error.reason).not.toMatch(/tried again/);
  });

  it('stops a request past its timeout with a reason naming the limit', async () => {
    behaviour = () => {}; // never answers
    const error = await failure(engine(300).convert(request()));
    expect(error.reason).toBe('The conversion took longer than 0.3 s and was stopped.');
    expect(error.retryable).toBe(false);
    expect(received).toHaveLength(1);
  });

  it('maps a refusal (4xx) to a readable, final reason without retrying', async () => {
    behaviour = (_request, response) => response.writeHead(400).end('Malformed body');
    const error = await failure(engine().convert(request()));
    expect(error.retryable).toBe(false);
    expect(error.reason).toMatch(/could not convert this file/);
    expect(received).toHaveLength(1);
  });

  it('refuses office-to-office targets, which the service does not produce', async () => {
    const error = await failure(engine().convert(request({ target: 'odt' })));
    expect(error.reason).toBe('A Word document cannot be converted to an OpenDocument text.');
    expect(received).toHaveLength(0);
  });

  it('is what createEngines picks for office files with CONVERT_OFFICE_ENGINE=http; images stay with sharp', async () => {
    const engines = createEngines(
      {
        CONVERT_OFFICE_ENGINE: 'http',
        CONVERT_POOL_SIZE: 1,
        CONVERT_TIMEOUT_MS: 1000,
        CONVERT_RECYCLE_AFTER: 1,
        CONVERT_RECYCLE_RSS_MB: 1,
        CONVERT_IMAGE_MAX_PIXELS: 1000,
        CONVERT_HTTP_ENGINE_URL: baseUrl,
        CONVERT_HTTP_TIMEOUT_MS: 1000,
        CONVERT_HTTP_ATTEMPTS: 1,
        CONVERT_CHROMIUM_POOL_SIZE: 1,
        CONVERT_CHROMIUM_RECYCLE_AFTER: 1,
        CONVERT_CHROMIUM_BIN: '/nonexistent',
        UNOSERVER_BIN: '/nonexistent',
        CONVERT_WORK_DIR: scratch.path,
      },
      silentLogger,
    );
    await engines.start();
    await engines.ping();
    expect(engines.engineFor('xlsx', 'pdf').name).toBe('http');
    expect(engines.engineFor('md', 'pdf').name).toBe('http');
    expect(engines.engineFor('png', 'pdf').name).toBe('images');
    await engines.engineFor('md', 'pdf').convert(request({ sourceFormat: 'md' }));
    expect(received.map((one) => one.fileName)).toEqual(['document.txt']);
    expect(await engines.stats()).toMatchObject({ officeEngine: 'http', poolSize: 0, busy: 0 });
    await engines.close();
  });
});
