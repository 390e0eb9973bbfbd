/** `pages`: pages and ranges, comma-separated (`2-3,5`); spaces around them are allowed. */
export const PAGES_PATTERN = '^\\s*\\d+(\\s*-\\s*\\d+)?(\\s*,\\s*\\d+(\\s*-\\s*\\d+)?)*\\s*$';

/** The largest page number accepted: far beyond any document, small enough to stay an exact integer. */
export const MAX_PAGE = 100_000;
/** The longest `pages` value accepted. */
export const MAX_PAGES_CHARS = 100;

export interface PageRange {
  first: number;
  last: number;
}

/** What is wrong with a `pages` value; the server and the SPA each say it in their own words. */
export type PagesProblem =
  | { kind: 'too-long' }
  | { kind: 'syntax' }
  | { kind: 'below-one'; page: number }
  | { kind: 'too-high'; page: number }
  | { kind: 'backwards'; range: string; first: number; last: number };

export type ParsedPageRanges = { ok: true; ranges: PageRange[] } | { ok: false; problem: PagesProblem };

const pattern = new RegExp(PAGES_PATTERN);

/** The one reading of `pages` (`2-3, 5`): convert-api validates with it, the SPA checks before upload. */
export function parsePageRanges(text: string): ParsedPageRanges {
  if (text.length > MAX_PAGES_CHARS) return { ok: false, problem: { kind: 'too-long' } };
  if (!pattern.test(text)) return { ok: false, problem: { kind: 'syntax' } };
  const ranges: PageRange[] = [];
  for (const range of text.replace(/\s/g, '').split(',')) {
    const [first = 0, last = first] = range.split('-').map(Number);
    if (first < 1) return { ok: false, problem: { kind: 'below-one', page: first } };
    if (last > MAX_PAGE) return { ok: false, problem: { kind: 'too-high', page: last } };
    if (last < first) return { ok: false, problem: { kind: 'backwards', range, first, last } };
    ranges.push({ first, last });
  }
  return { ok: true, ranges };
}
