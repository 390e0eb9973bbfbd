import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumPool, UNAVAILABLE } from '../../src/engines/chromium/pool.ts';
import { createChromiumEngine, PDFA_REFUSED } from '../../src/engines/chromium.engine.ts';
import type { ConversionEngine, ConversionOptions } from '../../src/engines/engine.ts';
import { RetryableReason } from '../../src/engines/reasons.ts';
import {
  failure,
  newMarker,
  pdfImageCount,
  pdfPages,
  pdfText,
  scratchDirectory,
  silentLogger,
} from './fixtures.ts';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let pool: ChromiumPool;
let engine: ConversionEngine;
let canary: Server;
let canaryUrl: string;
let canaryConnections = 0;
let canaryRequests = 0;

beforeAll(async () => {
  scratch = await scratchDirectory();
  canary = createServer((_request, response) => {
    canaryRequests += 1;
    response.writeHead(200, { 'content-type': 'text/css' }).end('p { color: red }');
  });
  canary.on('connection', () => {
    canaryConnections += 1;
  });
  canary.listen(0, '127.0.0.1');
  await once(canary, 'listening');
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
  pool = new ChromiumPool({
    size: 1,
    executablePath: CHROMIUM,
    timeoutMs: 20_000,
    recycleAfter: 1000,
    logger: silentLogger,
  });
  engine = createChromiumEngine(pool);
  await engine.start();
  await engine.ping();
});

afterAll(async () => {
  await engine?.close();
  canary?.closeAllConnections();
  canary?.close();
  await scratch?.remove();
});

let jobNumber = 0;
/** A job directory of its own (as convert-worker makes one per job) holding the source and any extra files. */
async function job(source: string, extension: 'html' | 'md', extra: Record<string, Buffer | string> = {}) {
  jobNumber += 1;
  const directory = join(scratch.path, `job-${jobNumber}`);
  await mkdir(directory);
  for (const [name, content] of Object.entries(extra)) await writeFile(join(directory, name), content);
  const inputPath = join(directory, `source.${extension}`);
  await writeFile(inputPath, source);
  return { directory, inputPath, outputPath: join(directory, 'result.pdf') };
}

async function convert(
  source: string,
  extension: 'html' | 'md' = 'html',
  options: ConversionOptions = {},
  extra: Record<string, Buffer | string> = {},
  using: ConversionEngine = engine,
): Promise<string> {
  const { inputPath, outputPath } = await job(source, extension, extra);
  await using.convert({ inputPath, outputPath, sourceFormat: extension, target: 'pdf', options });
  return outputPath;
}

const html = (body: string, head = '') =>
  `<!doctype html><html><head><meta charset="utf-8"><title>t</title>${head}</head><body>${body}</body></html>`;

const lines = (text: string) => text.split('\n');

async function pdfInfoText(path: string): Promise<string> {
  return (await run('pdfinfo', [path])).stdout;
}

/** FontName of every font descriptor: Type 3 fonts (CFF and colour glyphs) have no name pdffonts prints. */
async function embeddedFontNames(path: string): Promise<string[]> {
  const pdf = await PDFDocument.load(await readFile(path), { updateMetadata: false });
  const names: string[] = [];
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    const name = object instanceof PDFDict ? object.get(PDFName.of('FontName')) : undefined;
    if (name instanceof PDFName) names.push(name.decodeText());
  }
  return names;
}

const INVOICE = html(
  `<header class="head">
    <div><h1>ACME Widgets Ltd</h1><p>12 Harbour Street, Bristol</p></div>
    <div class="right"><h2>INVOICE 2024-0042</h2><p>Due 2024-07-01</p></div>
  </header>
  <section class="items">
    <div class="h">Description</div><div class="h">Qty</div><div class="h">Price</div><div class="h">Amount</div>
    <div>Professional consultation services</div><div>3</div><div>120.00</div><div>360.00</div>
    <div>Extraordinarily comprehensive documentation</div><div>1</div><div>980.00</div><div>980.00</div>
  </section>
  <table><tr><th>Item</th><th>Total</th></tr><tr><td>Internationalization workshop</td><td>1,340.00</td></tr></table>`,
  `<style>
    body { font-family: "Liberation Sans", sans-serif; }
    .head { display: flex; justify-content: space-between; border-bottom: 2px solid #234; }
    .right { text-align: right; }
    .items { display: grid; grid-template-columns: 3fr 1fr 1fr 1fr; margin-top: 20px; border: 1px solid #999; }
    .items div { padding: 4px 8px; border-bottom: 1px solid #ddd; }
    .h { font-weight: bold; background: #eef; }
    table { width: 100%; border-collapse: collapse; margin-top: 20px; }
    td, th { border: 1px solid #999; padding: 4px; }
  </style>`,
);

describe('chromium engine: HTML as a browser lays it out', () => {
  it('an invoice with a flex header and a grid of items: both header blocks on one line, words intact, A4', async () => {
    const pdf = await convert(INVOICE);
    const text = lines(await pdfText(pdf));
    expect(text.find((line) => line.includes('ACME Widgets Ltd'))).toContain('INVOICE 2024-0042');
    expect(text.find((line) => line.includes('Professional consultation services'))).toMatch(
      /Professional consultation services\s+3\s+120\.00\s+360\.00/,
    );
    expect(text.find((line) => line.includes('Internationalization workshop'))).toContain('1,340.00');
    expect(await pdfInfoText(pdf)).toMatch(/Page size:\s+[\d.]+ x [\d.]+ pts \(A4\)/);
    expect(await pdfPages(pdf)).toBe(1);
  });

  it("respects the document's @page size", async () => {
    const pdf = await convert(html('<p>Letter</p>', '<style>@page { size: Letter; }</style>'));
    expect(await pdfInfoText(pdf)).toMatch(/Page size:\s+612 x 792 pts \(letter\)/);
  });

  it('a long table runs over several pages and keeps every row whole', async () => {
    const rows = Array.from(
      { length: 150 },
      (_, index) =>
        `<tr><td>Row ${String(index + 1).padStart(3, '0')} article</td><td>${index + 1}.00</td></tr>`,
    ).join('');
    const pdf = await convert(
      html(`<table border="1"><thead><tr><th>Item</th><th>Price</th></tr></thead>${rows}</table>`),
    );
    expect(await pdfPages(pdf)).toBeGreaterThanOrEqual(3);
    const text = lines(await pdfText(pdf));
    for (let row = 1; row <= 150; row++) {
      const label = `Row ${String(row).padStart(3, '0')} article`;
      expect(
        text.find((line) => line.includes(label)),
        label,
      ).toMatch(new RegExp(`${label}\\s+${row}\\.00`));
    }
  });

  it('CJK and emoji: the text is there, drawn with Noto CJK and Noto Color Emoji embedded', async () => {
    const pdf = await convert(html('<p>中文 日本語 한국어</p><p>Party 🎉 time 😀</p>'));
    const text = await pdfText(pdf);
    for (const words of ['中文', '日本語', '한국어']) expect(text).toContain(words);
    const fonts = await embeddedFontNames(pdf);
    expect(
      fonts.some((name) => /\+NotoSansCJK/.test(name)),
      fonts.join(', '),
    ).toBe(true);
    expect(
      fonts.some((name) => /\+NotoColorEmoji/.test(name)),
      fonts.join(', '),
    ).toBe(true);
    const { stdout } = await run('pdffonts', [pdf]);
    // Skia embeds CFF (Noto CJK) and colour glyphs as Type 3 fonts; every one is embedded.
    expect(stdout).toMatch(/Type 3\s+Custom\s+yes/);
    expect(stdout).not.toMatch(/\bno\s+no\s+\S+\s+\d+\s+\d+\s*$/m);
  });
});

describe('chromium engine: options', () => {
  const threePages = html(
    [1, 2, 3].map((page) => `<p style="break-after: page">Page marker P${page}X</p>`).join(''),
  );

  it('pages="2" of three prints that page alone', async () => {
    const pdf = await convert(threePages, 'html', { pages: '2' });
    expect(await pdfPages(pdf)).toBe(1);
    const text = await pdfText(pdf);
    expect(text).toContain('P2X');
    expect(text).not.toContain('P1X');
    expect(text).not.toContain('P3X');
  });

  it('a page past the end fails for good, saying how many pages there are', async () => {
    for (const pages of ['2,5', '5', '2-5']) {
      const error = await failure(convert(threePages, 'html', { pages }));
      expect(error.reason).toBe('The document has 3 pages; page 5 does not exist.');
      expect(error.retryable).toBe(false);
    }
  });

  it('pdfua gives a tagged PDF; without it the PDF is not tagged', async () => {
    expect(await pdfInfoText(await convert(INVOICE, 'html', { pdfua: true }))).toMatch(/^Tagged:\s+yes$/m);
    expect(await pdfInfoText(await convert(INVOICE))).toMatch(/^Tagged:\s+no$/m);
  });

  it('PDF/A is refused for good with a sentence', async () => {
    const error = await failure(convert(INVOICE, 'html', { pdfa: '2b' }));
    expect(error.reason).toBe(PDFA_REFUSED);
    expect(error.retryable).toBe(false);
  });
});

describe('chromium engine: a page reaches nothing but its own files', () => {
  it('remote styles, images, frames and links to a listening server make no connection', async () => {
    const marker = newMarker();
    const pdf = await convert(
      html(
        `<p>${marker}</p><img src="${canaryUrl}/z.png"><iframe src="${canaryUrl}/f.html"></iframe>` +
          `<object data="${canaryUrl}/o"></object><video src="${canaryUrl}/v.mp4"></video>`,
        `<link rel="stylesheet" href="${canaryUrl}/s.css"><link rel="preconnect" href="${canaryUrl}">` +
          `<link rel="prefetch" href="${canaryUrl}/p"><style>@import url("${canaryUrl}/i.css"); body { background: url("${canaryUrl}/b.png"); }</style>`,
      ),
    );
    expect(await pdfText(pdf)).toContain(marker);
    expect(canaryRequests).toBe(0);
    expect(canaryConnections).toBe(0);
  });

  it('file: URLs outside the job directory show nothing: /etc/passwd in a frame, an image elsewhere on disk', async () => {
    const marker = newMarker();
    const elsewhere = join(scratch.path, 'elsewhere.png');
    await sharp({ create: { width: 60, height: 60, channels: 3, background: '#ff0000' } })
      .png()
      .toFile(elsewhere);
    const pdf = await convert(
      html(
        `<p>${marker}</p><iframe src="file:///etc/passwd" width="600" height="300"></iframe>` +
          `<object data="file:///etc/passwd" width="600" height="300"></object><img src="file://${elsewhere}">` +
          '<img src="../../../../etc/passwd"><a href="file:///etc/hostname">link</a>',
      ),
    );
    const text = await pdfText(pdf);
    expect(text).toContain(marker);
    expect(text).not.toMatch(/root:x?:0:0/);
    expect(await pdfImageCount(pdf)).toBe(0);
  });

  it('an image beside the page, in the job directory, is printed', async () => {
    const logo = await sharp({ create: { width: 80, height: 40, channels: 3, background: '#2255aa' } })
      .png()
      .toBuffer();
    const pdf = await convert(
      html('<p>Logo:</p><img src="logo.png" width="160">'),
      'html',
      {},
      { 'logo.png': logo },
    );
    expect(await pdfImageCount(pdf)).toBe(1);
  });

  it('JavaScript does not run', async () => {
    const marker = newMarker();
    const pdf = await convert(
      html(
        `<p id="p">${marker}</p><script>document.write('SCRIPT' + 'RAN'); document.getElementById('p').textContent = 'CHANGED';</script>` +
          `<img src="missing.png" onerror="document.body.append('ONERROR' + 'RAN')">`,
      ),
    );
    const text = await pdfText(pdf);
    expect(text).toContain(marker);
    expect(text).not.toContain('SCRIPTRAN');
    expect(text).not.toContain('CHANGED');
    expect(text).not.toContain('ONERRORRAN');
  });
});

describe('chromium engine: Markdown rendered, not printed as source', () => {
  const README = [
    '# Relay Handbook',
    '',
    'Some **strong words** and *emphasis* and ~~old~~ text.',
    '',
    '| Service | Port | Owner |',
    '| --- | --- | --- |',
    '| gateway | 8000 | platform team |',
    '| convert | 8001 | documents team |',
    '',
    '- [x] Render Markdown',
    '- [ ] Print it beautifully',
    '',
    '```ts',
    'const greeting: string = "hello from a fence";',
    '```',
    '',
    '<script>document.write("SCRIPT" + "RAN")</script>',
    `<iframe src="${'http'}://127.0.0.1:1/"></iframe>`,
    '',
    `<img src="${'CANARY'}/remote.png" alt="remote picture">`,
    '',
    'The end.',
  ].join('\n');

  it('headings, emphasis, a GFM table, a task list and fenced code print as such; raw HTML is sanitised', async () => {
    const before = { requests: canaryRequests, connections: canaryConnections };
    const pdf = await convert(README.replace('CANARY', canaryUrl), 'md');
    const text = await pdfText(pdf);
    expect(text).toContain('Relay Handbook');
    expect(text).toContain('strong words');
    expect(text).not.toMatch(/^\s*#/m);
    expect(text).not.toContain('**');
    expect(text).not.toContain('```');
    expect(text).not.toContain('~~');
    expect(text).not.toContain('| ---');
    const table = lines(text);
    expect(table.find((line) => line.includes('gateway'))).toMatch(/gateway\s+8000\s+platform team/);
    expect(table.find((line) => line.includes('convert'))).toMatch(/convert\s+8001\s+documents team/);
    expect(text).toContain('Render Markdown');
    expect(text).toContain('Print it beautifully');
    expect(text).not.toContain('[x]');
    expect(text).not.toContain('[ ]');
    expect(text).toContain('const greeting: string = "hello from a fence";');
    expect(text).not.toContain('SCRIPTRAN');
    expect(text).toContain('The end.');
    expect({ requests: canaryRequests, connections: canaryConnections }).toEqual(before);
    expect(await pdfInfoText(pdf)).toMatch(/^Title:\s+Relay Handbook$/m);
    expect(await pdfInfoText(pdf)).toMatch(/Page size:\s+[\d.]+ x [\d.]+ pts \(A4\)/);
  });

  it('a relative image beside the Markdown file is printed', async () => {
    const picture = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#33aa55' } })
      .png()
      .toBuffer();
    const pdf = await convert('# Pictures\n\n![a square](square.png)\n', 'md', {}, { 'square.png': picture });
    expect(await pdfImageCount(pdf)).toBe(1);
  });
});

describe('chromium pool: timeouts, crashes, recycling, a Chromium that cannot start', () => {
  it('a page that takes too long is stopped at the timeout, its browser replaced, and the next job succeeds', async () => {
    const slow = new ChromiumPool({
      size: 1,
      executablePath: CHROMIUM,
      timeoutMs: 1500,
      recycleAfter: 1000,
      logger: silentLogger,
    });
    const slowEngine = createChromiumEngine(slow);
    await slowEngine.start();
    try {
      const firstPid = slow.stats().browsers[0]?.pid;
      // Some 40,000 pages of nested tables: far more than 1.5 s of layout and printing.
      const rows = '<tr><td><table><tr><td>cell</td><td>cell</td></tr></table></td><td>x</td></tr>'.repeat(
        400_000,
      );
      const started = performance.now();
      const error = await failure(convert(html(`<table>${rows}</table>`), 'html', {}, {}, slowEngine));
      expect(error.reason).toBe('The conversion took longer than 1.5 s and was stopped.');
      expect(error.retryable).toBe(false);
      expect(performance.now() - started).toBeLessThan(10_000);
      const marker = newMarker();
      expect(await pdfText(await convert(html(`<p>${marker}</p>`), 'html', {}, {}, slowEngine))).toContain(
        marker,
      );
      const stats = slow.stats();
      expect(stats.launches).toBe(2);
      expect(stats.browsers[0]?.pid).not.toBe(firstPid);
      expect(() => process.kill(firstPid as number, 0)).toThrow();
    } finally {
      await slowEngine.close();
    }
  });

  it('recycles a browser after N jobs, and replaces one that was killed', async () => {
    const recycling = new ChromiumPool({
      size: 1,
      executablePath: CHROMIUM,
      timeoutMs: 20_000,
      recycleAfter: 2,
      logger: silentLogger,
    });
    const recyclingEngine = createChromiumEngine(recycling);
    await recyclingEngine.start();
    try {
      const first = recycling.stats().browsers[0]?.pid;
      for (let count = 0; count < 2; count++)
        await convert(html('<p>one</p>'), 'html', {}, {}, recyclingEngine);
      await expect.poll(() => recycling.stats().launches).toBe(2);
      await expect.poll(() => recycling.stats().browsers[0]?.state).toBe('idle');
      const second = recycling.stats().browsers[0]?.pid;
      expect(second).not.toBe(first);
      expect(await pdfPages(await convert(html('<p>three</p>'), 'html', {}, {}, recyclingEngine))).toBe(1);
      expect(recycling.stats().browsers[0]?.jobs).toBe(1);

      process.kill(-(second as number), 'SIGKILL');
      await expect.poll(() => recycling.stats().launches, { timeout: 10_000 }).toBe(3);
      await recyclingEngine.ping();
      expect(
        await pdfPages(await convert(html('<p>after a crash</p>'), 'html', {}, {}, recyclingEngine)),
      ).toBe(1);
    } finally {
      await recyclingEngine.close();
    }
  });

  it('a Chromium that cannot start fails readiness and jobs (retryable), never the worker', async () => {
    const missing = new ChromiumPool({
      size: 1,
      executablePath: '/nonexistent/chromium',
      timeoutMs: 5000,
      recycleAfter: 10,
      logger: silentLogger,
    });
    const missingEngine = createChromiumEngine(missing);
    await missingEngine.start();
    try {
      await expect(missingEngine.ping()).rejects.toThrow(
        /Chromium \(\/nonexistent\/chromium\) could not be started/,
      );
      const error = await failure(convert(INVOICE, 'html', {}, {}, missingEngine));
      expect(error.reason).toBe(UNAVAILABLE);
      expect(error.retryable).toBe(true);
    } finally {
      await missingEngine.close();
    }
  });

  it('a job given up (worker shutting down) is interrupted and retryable', async () => {
    const controller = new AbortController();
    const { inputPath, outputPath } = await job(INVOICE, 'html');
    controller.abort();
    const error = await failure(
      engine.convert({
        inputPath,
        outputPath,
        sourceFormat: 'html',
        target: 'pdf',
        options: {},
        signal: controller.signal,
      }),
    );
    expect(error.reason).toBe(RetryableReason.interrupted);
    expect(error.retryable).toBe(true);
    await engine.ping();
    expect(await pdfPages(await convert(INVOICE))).toBe(1);
  });
});
