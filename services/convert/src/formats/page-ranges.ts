import { readFile, writeFile } from 'node:fs/promises';
import {
  MAX_PAGE,
  MAX_PAGES_CHARS,
  type PageRange,
  type PagesProblem,
  parsePageRanges,
} from '@relay/contracts';
import { PDFDocument } from 'pdf-lib';

export type ParsedPages = { ok: true; ranges: PageRange[] } | { ok: false; detail: string };

/** Reads the owner's `pages` field; a refusal says what is wrong in a sentence naming the field. */
export function parsePages(text: string): ParsedPages {
  const parsed = parsePageRanges(text);
  return parsed.ok ? parsed : { ok: false, detail: describeProblem(parsed.problem) };
}

function describeProblem(problem: PagesProblem): string {
  switch (problem.kind) {
    case 'too-long':
      return `The field "pages" is longer than ${MAX_PAGES_CHARS} characters.`;
    case 'syntax':
      return 'The field "pages" must list pages and ranges separated by commas, such as 2-3,5.';
    case 'below-one':
    case 'too-high':
      return `The field "pages" names page ${problem.page}; pages are numbered from 1 to ${MAX_PAGE}.`;
    case 'backwards':
      return `The field "pages" has the range ${problem.range}, which ends before it starts.`;
  }
}

/**
 * The canonical form stored and handed to LibreOffice (`PageRange`) or Gotenberg (`nativePageRanges`).
 * A single page is written `5-5`: unoserver turns an all-digit filter value into an integer, and
 * LibreOffice ignores a PageRange that is no string.
 */
export function canonicalPages(ranges: readonly PageRange[]): string {
  const text = ranges.map(({ first, last }) => (first === last ? `${first}` : `${first}-${last}`)).join(',');
  return /^\d+$/.test(text) ? `${text}-${text}` : text;
}

/** Page numbers of a stored (valid) `pages` value, in document order, each once. */
export function pageNumbers(pages: string): number[] {
  const parsed = parsePages(pages);
  if (!parsed.ok) throw new Error(`stored pages are invalid: ${pages}`);
  const numbers = new Set<number>();
  for (const { first, last } of parsed.ranges) for (let page = first; page <= last; page++) numbers.add(page);
  return [...numbers].sort((a, b) => a - b);
}

/** The final reason of a range past the last page, or undefined when every page named exists. */
export function missingPageReason(pages: string, pageCount: number): string | undefined {
  const last = Math.max(...pageNumbers(pages));
  if (last <= pageCount) return undefined;
  const has = pageCount === 1 ? 'has 1 page' : `has ${pageCount} pages`;
  return `The document ${has}; page ${last} does not exist.`;
}

export async function countPdfPages(path: string): Promise<number> {
  const pdf = await PDFDocument.load(await readFile(path), { updateMetadata: false });
  return pdf.getPageCount();
}

/**
 * Keeps only `pages` of the PDF at `path` (copied into a new document, which drops PDF/A and PDF/UA
 * structure: used for plain PDFs only, such as a merged result).
 */
export async function selectPdfPages(path: string, pages: string): Promise<void> {
  const source = await PDFDocument.load(await readFile(path));
  const result = await PDFDocument.create();
  const copied = await result.copyPages(
    source,
    pageNumbers(pages).map((page) => page - 1),
  );
  for (const page of copied) result.addPage(page);
  await writeFile(path, await result.save());
}
