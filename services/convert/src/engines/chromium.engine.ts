import { randomBytes } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ChromiumPool } from './chromium/pool.ts';
import { jobPage, printToPdf } from './chromium/print.ts';
import { type ConversionEngine, ConversionFailed, type ConversionRequest } from './engine.ts';
import { decodeMarkdown, markdownToHtml } from './markdown/render.ts';
import { capitalize, describeFormat, refuseUnsupported } from './reasons.ts';

export const PDFA_REFUSED =
  'PDF/A is available for office documents; HTML and Markdown convert to plain PDF.';

/** HTML and Markdown to PDF through the warm Chromium pool: modern CSS laid out as a browser does. */
export function createChromiumEngine(pool: ChromiumPool): ConversionEngine {
  return {
    name: 'chromium',
    start: () => pool.start(),
    ping: () => pool.ping(),
    close: () => pool.close(),
    async convert(request: ConversionRequest): Promise<void> {
      const { sourceFormat, target } = request;
      if ((sourceFormat !== 'html' && sourceFormat !== 'md') || target !== 'pdf')
        throw refuseUnsupported(request);
      if (request.options.pdfa !== undefined) throw new ConversionFailed(PDFA_REFUSED, { retryable: false });
      const directory = dirname(request.inputPath);
      // Markdown is printed as the HTML it renders to, written beside it so its relative images resolve.
      const htmlPath = sourceFormat === 'md' ? await renderedMarkdown(request.inputPath) : request.inputPath;
      try {
        await pool.run(
          (context) => jobPage(context, directory),
          (page) => printToPdf(page, htmlPath, request.outputPath, request.options),
          request.signal,
        );
      } catch (error) {
        if (error instanceof ConversionFailed) throw error;
        // The browser is fine (the pool checked): the page itself could not be printed.
        throw new ConversionFailed(
          `${capitalize(describeFormat(sourceFormat))} could not be printed to PDF.`,
          {
            retryable: false,
            cause: error,
          },
        );
      } finally {
        if (htmlPath !== request.inputPath) await rm(htmlPath, { force: true });
      }
      const written = await stat(request.outputPath).catch(() => undefined);
      if (written === undefined || written.size === 0) {
        throw new ConversionFailed('Chromium produced no PDF file.', { retryable: false });
      }
    },
  };
}

/** Renders a Markdown file to an HTML file beside it; the caller removes it. */
export async function renderedMarkdown(markdownPath: string): Promise<string> {
  const html = await markdownToHtml(decodeMarkdown(await readFile(markdownPath)));
  const htmlPath = join(dirname(markdownPath), `.rendered-${randomBytes(6).toString('hex')}.html`);
  await writeFile(htmlPath, html);
  return htmlPath;
}
