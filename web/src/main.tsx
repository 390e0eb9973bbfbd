import './design/tokens.css';
import './design/base.css';
import './design/components.css';
import './app/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { Providers } from './app/providers.tsx';
import { router } from './app/router.tsx';
import { session } from './lib/api/api.ts';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks #root');
// Before the first page decides anything: a returning user's refresh cookie signs them in silently.
void session.restore();
createRoot(root).render(
  <StrictMode>
    <Providers>
      <RouterProvider router={router} />
    </Providers>
  </StrictMode>,
);
