import { m } from 'motion/react';
import { Outlet, useLocation } from 'react-router';
import { AppHeader } from './app-header.tsx';

/** Every signed-in page: the header, then the page, which fades in on navigation. */
export function AppLayout() {
  const { pathname } = useLocation();
  return (
    <>
      <AppHeader />
      <m.main
        key={pathname}
        className="app-main"
        initial={{ opacity: 0, y: 6 }}
        animate={{ opacity: 1, y: 0 }}
        transition={{ duration: 0.18, ease: 'easeOut' }}
      >
        <Outlet />
      </m.main>
    </>
  );
}
