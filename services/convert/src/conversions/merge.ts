import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceFormat, TargetFormat } from '@relay/contracts';
import { PDFDocument } from 'pdf-lib';
import { type ConversionEngine, ConversionFailed } from '../engines/engine.ts';
import { missingPageReason, selectPdfPages } from '../formats/page-ranges.ts';

/** One file of a merge, on local disk. */
interface MergePart {
  inputPath: string;
  sourceFormat: SourceFormat;
  name: string;
  /** Given only for a file detected as protected. */
  password?: string;
}

export interface MergeRequest {
  parts: readonly MergePart[];
  /** Applies to the merged result. */
  pages?: string;
  outputPath: string;
  /** Where the parts' PDFs are written. */
  workDir: string;
  engineFor: (source: SourceFormat, target: TargetFormat) => ConversionEngine;
}

/**
 * `merge=true`: each file converted to PDF by its own engine, then joined in the order sent with
 * pdf-lib (pages copied, so no PDF/A or PDF/UA: those are refused with merge at upload), then `pages`
 * taken from the joined document. A file that fails names itself in the reason, keeping whether
 * another attempt could help.
 */
export async function convertAndMerge(request: MergeRequest): Promise<void> {
  const merged = await PDFDocument.create();
  for (const [index, part] of request.parts.entries()) {
    const partPath = join(request.workDir, `part-${index + 1}.pdf`);
    const named = (reason: string) => `File ${index + 1} (${part.name}): ${reason}`;
    try {
      await request.engineFor(part.sourceFormat, 'pdf').convert({
        inputPath: part.inputPath,
        outputPath: partPath,
        sourceFormat: part.sourceFormat,
        target: 'pdf',
        options: part.password === undefined ? {} : { password: part.password },
      });
    } catch (error) {
      if (error instanceof ConversionFailed) {
        throw new ConversionFailed(named(error.reason), { retryable: error.retryable, cause: error });
      }
      throw error;
    }
    const pdf = await PDFDocument.load(await readFile(partPath)).catch((cause: unknown) => {
      throw new ConversionFailed(named('its PDF could not be read back to be merged.'), {
        retryable: false,
        cause,
      });
    });
    for (const page of await merged.copyPages(pdf, pdf.getPageIndices())) merged.addPage(page);
  }
  await writeFile(request.outputPath, await merged.save());
  if (request.pages === undefined) return;
  const missing = missingPageReason(request.pages, merged.getPageCount());
  if (missing !== undefined) {
    throw new ConversionFailed(missing.replace('The document', 'The merged document'), { retryable: false });
  }
  await selectPdfPages(request.outputPath, request.pages);
}
