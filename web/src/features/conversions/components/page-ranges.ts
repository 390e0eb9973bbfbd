import { PAGES_PATTERN } from '@relay/contracts';

/** The server's bounds (services/convert/src/formats/page-ranges.ts): checked here so a typo never uploads. */
const MAX_PAGE = 100_000;
const MAX_CHARS = 100;
const pattern = new RegExp(PAGES_PATTERN);

/**
 * Why `text` is no pages value convert-api accepts, said to a person; undefined when it is one, or
 * empty (every page).
 */
export function pagesProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  if (text.length > MAX_CHARS) return `Use at most ${MAX_CHARS} characters.`;
  if (!pattern.test(text)) return 'Use page numbers and ranges separated by commas, such as 1-3, 5.';
  for (const item of text.replace(/\s/g, '').split(',')) {
    const [first = 0, last = first] = item.split('-').map(Number);
    if (first < 1) return 'Pages are numbered from 1.';
    if (last > MAX_PAGE) return `Pages are numbered up to ${MAX_PAGE.toLocaleString('en')}.`;
    if (last < first) return `The range ${item} ends before it starts: write it as ${last}-${first}.`;
  }
  return undefined;
}

/** A stored, canonical value (`2-3,5-5`) as people write it: "2-3, 5". */
export function pagesLabel(canonical: string): string {
  return canonical
    .split(',')
    .map((range) => {
      const [first, last] = range.split('-');
      return first === last ? first : range;
    })
    .join(', ');
}
