import { describe, expect, it } from 'vitest';
import { parsePageRanges } from './page-ranges.ts';

describe('parsePageRanges', () => {
  it('reads pages and ranges, spaces allowed', () => {
    expect(parsePageRanges(' 2 - 3, 5 ')).toEqual({
      ok: true,
      ranges: [
        { first: 2, last: 3 },
        { first: 5, last: 5 },
      ],
    });
  });

  it.each([
    ['2-', { kind: 'syntax' }],
    ['a', { kind: 'syntax' }],
    ['0-2', { kind: 'below-one', page: 0 }],
    ['3-100001', { kind: 'too-high', page: 100_001 }],
    ['5-3', { kind: 'backwards', range: '5-3', first: 5, last: 3 }],
    ['1,'.repeat(50).concat('1'), { kind: 'too-long' }],
  ])('refuses %s, saying why', (text, problem) => {
    expect(parsePageRanges(text)).toEqual({ ok: false, problem });
  });
});
