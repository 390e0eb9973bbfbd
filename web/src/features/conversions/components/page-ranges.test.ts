import { describe, expect, it } from 'vitest';
import { pagesLabel, pagesProblem } from './page-ranges.ts';

describe('pagesProblem', () => {
  it('accepts pages and ranges the server accepts, spaces included, and empty for every page', () => {
    for (const text of ['1', '2-3,5', ' 1 - 3 , 5 ', '100000', '', '   ']) {
      expect(pagesProblem(text), text).toBeUndefined();
    }
  });

  it('says what is wrong with a value the server would refuse', () => {
    expect(pagesProblem('1-')).toBe('Use page numbers and ranges separated by commas, such as 1-3, 5.');
    expect(pagesProblem('a')).toBe('Use page numbers and ranges separated by commas, such as 1-3, 5.');
    expect(pagesProblem('1;2')).toBe('Use page numbers and ranges separated by commas, such as 1-3, 5.');
    expect(pagesProblem('0-2')).toBe('Pages are numbered from 1.');
    expect(pagesProblem('3,100001')).toBe('Pages are numbered up to 100,000.');
    expect(pagesProblem('5-3')).toBe('The range 5-3 ends before it starts: write it as 3-5.');
    expect(pagesProblem(`1,${'2,'.repeat(50)}3`)).toBe('Use at most 100 characters.');
  });
});

describe('pagesLabel', () => {
  it('writes a stored single page once', () => {
    expect(pagesLabel('2-3,5-5')).toBe('2-3, 5');
    expect(pagesLabel('1-1')).toBe('1');
  });
});
