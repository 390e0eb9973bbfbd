import { rename, rm } from 'node:fs/promises';
import { countPdfPages, missingPageReason, pageNumbers } from '../../formats/page-ranges.ts';
import { ConversionFailed, type ConversionRequest } from '../engine.ts';

/** One export of the whole document (`pages` undefined) or of some pages, to `outputPath`. */
export type ExportPdf = (outputPath: string, pages: string | undefined) => Promise<void>;

/**
 * A PDF of the pages asked for. LibreOffice (and Gotenberg, which runs it) exports an out-of-range
 * PageRange without a word (the pages that exist, or none), so the whole document is exported first
 * and its page count decides: a page past the last one fails the job with a final reason; all pages
 * asked for is that export itself; otherwise a second export with the range, which LibreOffice
 * applies while writing, so PDF/A and PDF/UA conformance and tags stay intact (pdf-lib's page copy
 * would drop them). Costs a second pass only when a strict subset is asked for.
 */
export async function exportWithPages(request: ConversionRequest, exportPdf: ExportPdf): Promise<void> {
  const { pages } = request.options;
  if (pages === undefined || request.target !== 'pdf') return exportPdf(request.outputPath, undefined);
  const whole = `${request.outputPath}.whole.pdf`;
  try {
    await exportPdf(whole, undefined);
    const count = await countPdfPages(whole).catch((cause: unknown) => {
      throw new ConversionFailed('The PDF written could not be read back to count its pages.', {
        retryable: false,
        cause,
      });
    });
    const missing = missingPageReason(pages, count);
    if (missing !== undefined) throw new ConversionFailed(missing, { retryable: false });
    if (pageNumbers(pages).length === count) await rename(whole, request.outputPath);
    else await exportPdf(request.outputPath, pages);
  } finally {
    await rm(whole, { force: true });
  }
}
