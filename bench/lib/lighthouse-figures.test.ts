import { describe, expect, it } from 'vitest';
import { type LighthouseResult, median, pageFigures } from './lighthouse-figures.ts';

const lhr: LighthouseResult = {
  categories: { performance: { score: 0.974 }, accessibility: { score: 1 }, 'best-practices': { score: 1 } },
  audits: {
    'largest-contentful-paint': { numericValue: 1234.4 },
    'total-blocking-time': { numericValue: 12.6 },
    'cumulative-layout-shift': { numericValue: 0.00042 },
    metrics: { details: { items: [{ observedLargestContentfulPaint: 300 }] } },
    'network-requests': {
      details: {
        items: [
          { url: 'http://x/login', resourceType: 'Document', networkRequestTime: 0 },
          { url: 'http://x/assets/index.js', resourceType: 'Script', networkRequestTime: 10 },
          { url: 'http://x/assets/login.js', resourceType: 'Script', networkRequestTime: 120 },
          { url: 'http://x/assets/later.js', resourceType: 'Script', networkRequestTime: 450 },
        ],
      },
    },
  },
};

describe('bench/web figures', () => {
  it('counts the scripts requested before the observed LCP apart from all of them, in KiB', () => {
    const sizes: Record<string, number> = {
      'http://x/assets/index.js': 60 * 1024,
      'http://x/assets/login.js': 4 * 1024,
      'http://x/assets/later.js': 30 * 1024,
    };
    const figures = pageFigures(lhr, (url) => sizes[url] ?? Number.NaN);
    expect(figures).toEqual({
      jsBeforeLcpKiB: 64,
      jsTotalKiB: 94,
      performance: 97,
      accessibility: 100,
      bestPractices: 100,
      lcpMs: 1234,
      tbtMs: 13,
      cls: 0,
    });
  });

  it('takes the median of an odd count, the lower middle of an even one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2);
  });
});
