import { NavLink } from 'react-router';
import { Avatar } from '../design/avatar.tsx';
import { Badge } from '../design/badge.tsx';
import { Brand } from '../design/brand.tsx';
import { Button } from '../design/button.tsx';
import { Skeleton } from '../design/spinner.tsx';
import { useSignOut } from '../features/auth/hooks/use-sign-out.ts';
import { useProfile } from '../features/profile/hooks/use-profile.ts';

export const NAV = [
  { to: '/chats', label: 'Chats' },
  { to: '/conversions', label: 'Conversions' },
  { to: '/profile', label: 'Profile' },
];

/**
 * The signed-in header: brand, the three sections (Chats with the unread count), who is signed in,
 * and signing out.
 */
export function AppHeader({ unread = 0 }: { unread?: number }) {
  const profile = useProfile();
  const signOut = useSignOut();
  return (
    <header className="app-header">
      <div className="app-header__inner">
        <Brand to="/chats" />
        <nav aria-label="Main" className="app-nav">
          {NAV.map(({ to, label }) => (
            <NavLink key={to} to={to} className="app-nav__link">
              {label}
              {to === '/chats' && unread > 0 && (
                <>
                  {' '}
                  <Badge count={unread} label="unread" />
                </>
              )}
            </NavLink>
          ))}
        </nav>
        <div className="app-header__user">
          {profile.data ? (
            <>
              <Avatar name={profile.data.name} src={profile.data.photo?.small} />
              <span className="app-header__name" aria-hidden>
                {profile.data.name}
              </span>
            </>
          ) : (
            <Skeleton width="2rem" height="2rem" round />
          )}
          <Button variant="ghost" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </div>
    </header>
  );
}
