import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ComponentType } from 'react';
import { renderToString } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { ActivatePage } from '../features/auth/components/activate-page.tsx';
import { ForgotPasswordPage } from '../features/auth/components/forgot-password-page.tsx';
import { LoginPage } from '../features/auth/components/login-page.tsx';
import { ResetPasswordPage } from '../features/auth/components/reset-password-page.tsx';
import { SignUpPage } from '../features/auth/components/sign-up-page.tsx';

const PAGES: Record<string, ComponentType> = {
  '/login': LoginPage,
  '/signup': SignUpPage,
  '/forgot-password': ForgotPasswordPage,
  '/activate': ActivatePage,
  '/reset-password': ResetPasswordPage,
};

/**
 * A public page's first render as HTML, run by the build (vite.config.ts, relay:prerender) in Node:
 * the page shows before its JavaScript has loaded, and the app's first render replaces it unchanged.
 */
export function prerender(url: string): string {
  const Page = PAGES[new URL(url, 'http://relay').pathname];
  if (Page === undefined) throw new Error(`no public page at ${url}`);
  return renderToString(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={[url]}>
        <Page />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}
