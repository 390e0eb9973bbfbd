import { isUtf8 } from 'node:buffer';
import { readFile, realpath, writeFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { ConversionFailed, type ConversionOptions } from '../engine.ts';

const NOTHING = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>';

/**
 * A page for one job (in the pool's context: no JavaScript, no service workers) whose every request
 * is refused except files inside the job's own directory (the page and the images and styles beside
 * it). Nothing remote is fetched, nothing else on disk is read; routing also turns the cache off, so
 * nothing an earlier job loaded is served from it.
 */
export async function jobPage(context: BrowserContext, jobDirectory: string): Promise<Page> {
  const root = await realpath(jobDirectory);
  const page = await context.newPage();
  await page.route('**/*', async (route) => {
    if (await insideJob(route, root)) return route.continue();
    // A refused image would print as Chromium's broken-image icon: it prints as nothing instead.
    if (route.request().resourceType() === 'image') {
      return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: NOTHING });
    }
    return route.abort('blockedbyclient');
  });
  return page;
}

async function insideJob(route: Route, root: string): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(route.request().url());
  } catch {
    return false;
  }
  if (url.protocol !== 'file:' || (url.host !== '' && url.host !== 'localhost')) return false;
  // The real path: a symbolic link must not lead out of the directory.
  const path = await realpath(fileURLToPath(url)).catch(() => undefined);
  if (path === undefined) return false;
  const inside = relative(root, path);
  return inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..';
}

/**
 * Loads `htmlPath` in the context and prints it: A4 unless the document's `@page` says otherwise,
 * backgrounds printed, the chosen pages only, tagged for PDF/UA.
 */
export async function printToPdf(
  page: Page,
  htmlPath: string,
  outputPath: string,
  options: ConversionOptions,
): Promise<void> {
  const url = pathToFileURL(htmlPath).href;
  await page.route(url, async (route) => {
    // Valid UTF-8 is read as UTF-8 (the usual case, often undeclared); anything else keeps what the
    // document declares or what Chromium detects.
    const body = await readFile(htmlPath);
    const contentType = isUtf8(body) ? 'text/html; charset=utf-8' : 'text/html';
    await route.fulfill({ status: 200, contentType, body });
  });
  // `load`: after the page's own images and styles (refused ones fail fast).
  await page.goto(url, { waitUntil: 'load', timeout: 0 });
  const print = (pageRanges?: string) =>
    page.pdf({
      format: 'A4',
      preferCSSPageSize: true,
      printBackground: true,
      // A document without `@page` margins still gets a printer's margin; its own margins win.
      margin: { top: '15mm', right: '15mm', bottom: '15mm', left: '15mm' },
      outline: true,
      tagged: options.pdfua === true,
      ...(pageRanges === undefined ? {} : { pageRanges }),
    });
  // Chromium prints what exists of a range that runs past the end (and fails on one wholly past it):
  // the page count comes first, so a missing page is named rather than silently left out.
  if (options.pages !== undefined) await checkPages(await print(), options.pages);
  const pdf = await print(options.pages);
  await writeFile(outputPath, pdf);
}

async function checkPages(whole: Buffer, pages: string): Promise<void> {
  const count = (await PDFDocument.load(whole, { updateMetadata: false })).getPageCount();
  const missing = Math.max(...(pages.match(/\d+/g) ?? ['0']).map(Number));
  if (missing <= count) return;
  const has = count === 1 ? 'has 1 page' : `has ${count} pages`;
  throw new ConversionFailed(`The document ${has}; page ${missing} does not exist.`, { retryable: false });
}
