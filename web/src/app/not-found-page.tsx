import { Link } from 'react-router';
import { Brand } from '../design/brand.tsx';
import { buttonClassName } from '../design/button.tsx';
import { EmptyState } from '../design/empty-state.tsx';
import { CompassIcon } from '../design/icons.tsx';

export function NotFoundPage() {
  return (
    <div className="auth">
      <header className="auth__brand">
        <Brand />
      </header>
      <main className="page page--narrow">
        <h1>Page not found</h1>
        <EmptyState
          title="Nothing lives at this address"
          icon={<CompassIcon />}
          action={
            <Link to="/" className={buttonClassName('primary')}>
              Go to Relay
            </Link>
          }
        >
          The link may be old or mistyped.
        </EmptyState>
      </main>
    </div>
  );
}
