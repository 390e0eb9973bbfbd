import { Banner } from '../design/banner.tsx';
import { Brand } from '../design/brand.tsx';
import { Button } from '../design/button.tsx';

/** A page that failed to load or render (often a new deploy replaced its chunk): say so, offer a reload. */
export function PageError({ detail }: { detail?: string | undefined }) {
  return (
    <div className="auth">
      <header className="auth__brand">
        <Brand />
      </header>
      <main className="page page--narrow">
        <h1>Something went wrong</h1>
        <Banner tone="error">
          This page couldn’t be shown{detail ? ` (${detail})` : ''}. Reloading usually fixes it.
          <div>
            <Button variant="secondary" onClick={() => window.location.reload()}>
              Reload
            </Button>
          </div>
        </Banner>
      </main>
    </div>
  );
}
