import { Link } from 'react-router';

/** Relay's mark and name, linking home; at the top of every page. */
export function Brand({ to = '/' }: { to?: string }) {
  return (
    <Link to={to} className="brand">
      <span className="brand__mark" aria-hidden />
      <span className="brand__name">Relay</span>
    </Link>
  );
}
