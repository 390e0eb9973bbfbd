import './design/tokens.css';
import './design/base.css';
import './design/components.css';
import './app/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { PageError } from './app/page-error.tsx';
import { isPublicPath, PublicApp, preloadPublicPage } from './app/public-app.tsx';

const element = document.getElementById('root');
if (element === null) throw new Error('index.html lacks #root');
const root = createRoot(element);

let appRequested = false;
/** The whole app, loaded when first needed: a public page renders without it (issue 18: fast on a phone). */
const showApp = () => {
  if (appRequested) return;
  appRequested = true;
  import('./app/app.tsx').then(
    ({ App }) =>
      root.render(
        <StrictMode>
          <App />
        </StrictMode>,
      ),
    // A chunk a new deploy replaced: say so rather than stay blank.
    () =>
      root.render(
        <BrowserRouter>
          <PageError />
        </BrowserRouter>,
      ),
  );
};

const { pathname } = window.location;
if (isPublicPath(pathname)) {
  // The page first (its HTML may already show, prerendered), so React never paints a spinner over it.
  void preloadPublicPage(pathname)
    .catch(() => {})
    .then(() =>
      root.render(
        <StrictMode>
          <PublicApp onLeave={showApp} />
        </StrictMode>,
      ),
    );
} else {
  showApp();
}
