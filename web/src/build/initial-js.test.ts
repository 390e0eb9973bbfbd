import { describe, expect, it } from 'vitest';
import { type BudgetChunk, kib, routeInitialJs } from './initial-js.ts';

const chunk = (fileName: string, gzipBytes: number, more: Partial<BudgetChunk> = {}): BudgetChunk => ({
  fileName,
  gzipBytes,
  isEntry: false,
  imports: [],
  facadeModuleId: null,
  ...more,
});

const bundle = [
  chunk('index.js', 60_000, { isEntry: true, imports: ['react.js'] }),
  chunk('react.js', 10_000),
  chunk('shared.js', 3_000, { imports: ['react.js'] }),
  chunk('login.js', 2_000, { imports: ['shared.js'], facadeModuleId: '/w/src/pages/login-page.tsx' }),
  chunk('chats.js', 40_000, { imports: ['shared.js'], facadeModuleId: '/w/src/pages/chats-page.tsx' }),
];

describe('routeInitialJs', () => {
  it('adds the entry, the route’s page and their static imports, each chunk once', () => {
    const [login] = routeInitialJs(bundle, { '/login': ['pages/login-page.tsx'] });
    expect(login).toEqual({
      route: '/login',
      bytes: 75_000,
      chunks: ['index.js', 'react.js', 'login.js', 'shared.js'],
    });
  });

  it('leaves out what only other routes load', () => {
    const routes = routeInitialJs(bundle, {
      '/login': ['pages/login-page.tsx'],
      '/chats': ['pages/chats-page.tsx'],
    });
    expect(routes.map(({ route, bytes }) => [route, bytes])).toEqual([
      ['/login', 75_000],
      ['/chats', 113_000],
    ]);
  });

  it('refuses a route whose page has no chunk, so a rename cannot pass unmeasured', () => {
    expect(() => routeInitialJs(bundle, { '/signup': ['pages/sign-up-page.tsx'] })).toThrow(
      '/signup: no chunk was built for pages/sign-up-page.tsx',
    );
  });

  it('speaks KiB', () => {
    expect(kib(102_400)).toBe('100.0 KiB');
  });
});
