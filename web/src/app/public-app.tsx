import { QueryClientProvider } from '@tanstack/react-query';
import {
  Component,
  type ComponentType,
  createElement,
  lazy,
  type ReactNode,
  Suspense,
  useEffect,
} from 'react';
import { BrowserRouter, Outlet, Route, Routes } from 'react-router';
import { Spinner } from '../design/spinner.tsx';
import { useLoadedSessionState } from '../features/auth/hooks/use-loaded-session-state.ts';
import { PageError } from './page-error.tsx';
import { queryClient } from './query-client.ts';

interface PublicPage {
  (): ReactNode;
  /** Loads the page's chunk; the first render then shows it, with no spinner in between. */
  preload: () => Promise<unknown>;
}

function page<M>(load: () => Promise<M>, pick: (module: M) => ComponentType): PublicPage {
  let loaded: ComponentType | undefined;
  const preload = () => load().then((module) => (loaded = pick(module)));
  const Lazy = lazy(async () => ({ default: pick(await load()) }));
  return Object.assign(() => (loaded === undefined ? <Lazy /> : createElement(loaded)), { preload });
}

/** For signed-out visitors; a signed-in one goes on to the app (whose guard takes them where they were going). */
const GUEST_PAGES: Record<string, PublicPage> = {
  '/login': page(
    () => import('../features/auth/components/login-page.tsx'),
    (m) => m.LoginPage,
  ),
  '/signup': page(
    () => import('../features/auth/components/sign-up-page.tsx'),
    (m) => m.SignUpPage,
  ),
  '/forgot-password': page(
    () => import('../features/auth/components/forgot-password-page.tsx'),
    (m) => m.ForgotPasswordPage,
  ),
};
/** Links from e-mails, which work whether or not this browser is signed in. */
const LINK_PAGES: Record<string, PublicPage> = {
  '/activate': page(
    () => import('../features/auth/components/activate-page.tsx'),
    (m) => m.ActivatePage,
  ),
  '/reset-password': page(
    () => import('../features/auth/components/reset-password-page.tsx'),
    (m) => m.ResetPasswordPage,
  ),
};

const publicPage = (pathname: string): PublicPage | undefined =>
  GUEST_PAGES[pathname] ?? LINK_PAGES[pathname];

export const isPublicPath = (pathname: string) => publicPage(pathname) !== undefined;

/** The page at this address, loaded (its chunk was asked for by index.html already). */
export const preloadPublicPage = async (pathname: string) => publicPage(pathname)?.preload();

/**
 * The pages a first visit lands on from a link or an e-mail, on React Router's light declarative
 * router: they render before the signed-in app (its data router, shell, providers, the API client and
 * zod) is loaded. Any other address, or signing in, hands over to that app (`onLeave`), which has
 * these pages too.
 */
export function PublicApp({ onLeave }: { onLeave: () => void }) {
  const pages = (table: Record<string, PublicPage>) =>
    Object.entries(table).map(([path, Page]) => <Route key={path} path={path} element={<Page />} />);
  return (
    <BrowserRouter>
      <QueryClientProvider client={queryClient}>
        <PageErrorBoundary>
          <Suspense fallback={<Spinner />}>
            <Routes>
              <Route element={<GuestsOnly onLeave={onLeave} />}>{pages(GUEST_PAGES)}</Route>
              {pages(LINK_PAGES)}
              <Route path="*" element={<Leave onLeave={onLeave} />} />
            </Routes>
          </Suspense>
        </PageErrorBoundary>
      </QueryClientProvider>
    </BrowserRouter>
  );
}

function GuestsOnly({ onLeave }: { onLeave: () => void }) {
  const signedIn = useLoadedSessionState().status === 'signed-in';
  useEffect(() => {
    if (signedIn) onLeave();
  }, [signedIn, onLeave]);
  return signedIn ? <Spinner /> : <Outlet />;
}

function Leave({ onLeave }: { onLeave: () => void }) {
  useEffect(() => onLeave(), [onLeave]);
  return <Spinner />;
}

/** A page chunk that failed to load (often a new deploy replaced it), as the app's RouteError shows it. */
class PageErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override render() {
    return this.state.failed ? <PageError /> : this.props.children;
  }
}
