import { Link } from 'react-router';
import { buttonClassName } from '../design/button.tsx';
import { EmptyState } from '../design/empty-state.tsx';

export function NotFoundPage() {
  return (
    <main className="page page--narrow page--centered">
      <h1>Page not found</h1>
      <EmptyState
        title="Nothing lives at this address"
        icon="?"
        action={
          <Link to="/" className={buttonClassName('primary')}>
            Go to Relay
          </Link>
        }
      >
        The link may be old or mistyped.
      </EmptyState>
    </main>
  );
}
