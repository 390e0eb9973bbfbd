import { MAX_PAGE, MAX_PAGES_CHARS, parsePageRanges } from '@relay/contracts';

/**
 * Why `text` is no pages value convert-api accepts, said to a person; undefined when it is one, or
 * empty (every page). The rule is the server's own (parsePageRanges).
 */
export function pagesProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parsePageRanges(text);
  if (parsed.ok) return undefined;
  const { problem } = parsed;
  switch (problem.kind) {
    case 'too-long':
      return `Use at most ${MAX_PAGES_CHARS} characters.`;
    case 'syntax':
      return 'Use page numbers and ranges separated by commas, such as 1-3, 5.';
    case 'below-one':
      return 'Pages are numbered from 1.';
    case 'too-high':
      return `Pages are numbered up to ${MAX_PAGE.toLocaleString('en')}.`;
    case 'backwards':
      return `The range ${problem.range} ends before it starts: write it as ${problem.last}-${problem.first}.`;
  }
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
