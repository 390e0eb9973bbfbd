import { readFile, writeFile } from 'node:fs/promises';
import { PAGES_PATTERN } from '@relay/contracts';
import { PDFDocument } from 'pdf-lib';

/** The largest page number accepted: far beyond any document, small enough to stay an exact integer. */
const MAX_PAGE = 100_000;

export interface PageRange {
  first: number;
  last: number;
}

export type ParsedPages = { ok: true; ranges: PageRange[] } | { ok: false; detail: string };

/** Reads the owner's `pages` field; a refusal says what is wrong in a sentence naming the field. */
export function parsePages(text: string): ParsedPages {
  if (!new RegExp(PAGES_PATTERN).test(text)) {
    return {
      ok: false,
      detail: 'The field "pages" must list pages and ranges separated by commas, such as 2-3,5.',
    };
  }
  const ranges: PageRange[] = [];
  for (const item of text.replace(/\s/g, '').split(',')) {
    const [first = 0, last = first] = item.split('-').map(Number);
    if (first < 1 || last > MAX_PAGE) {
      return {
        ok: false,
        detail: `The field "pages" names page ${first < 1 ? first : last}; pages are numbered from 1 to ${MAX_PAGE}.`,
      };
    }
    if (last < first) {
      return { ok: false, detail: `The field "pages" has the range ${item}, which ends before it starts.` };
    }
    ranges.push({ first, last });
  }
  return { ok: true, ranges };
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
