import { m } from 'motion/react';
import type { MouseEvent } from 'react';
import { Outlet, useLocation, useMatch } from 'react-router';
import { useChatSignals } from '../features/chats/hooks/use-chat-signals.ts';
import { useUnreadTitle } from '../features/chats/hooks/use-unread-title.ts';
import { AppHeader, NAV } from './app-header.tsx';

/** Moves focus to the skip link's target without changing the URL (the router owns it). */
function skipTo(event: MouseEvent<HTMLAnchorElement>, id: string) {
  const target = document.getElementById(id);
  if (target === null) return;
  event.preventDefault();
  target.focus();
}

/**
 * Every signed-in page: a skip link, the header, then the page, which fades in when the section
 * changes. The chats section fills the window (the list and the room scroll inside it); on a phone
 * an open room takes the whole screen, as chat apps do, its back arrow leading to the list and header.
 */
export function AppLayout() {
  const { pathname } = useLocation();
  const section = NAV.find(({ to }) => pathname === to || pathname.startsWith(`${to}/`));
  const inRoom = useMatch('/chats/:chatId') !== null;
  const { unread } = useChatSignals();
  useUnreadTitle(unread, section?.label);
  const fill = section?.to === '/chats';
  const skip = inRoom
    ? { id: 'messages', label: 'Skip to messages' }
    : { id: 'main', label: 'Skip to content' };
  return (
    <div className={`app-shell${fill ? ' app-shell--fill' : ''}${inRoom ? ' app-shell--room' : ''}`}>
      <a className="skip-link" href={`#${skip.id}`} onClick={(event) => skipTo(event, skip.id)}>
        {skip.label}
      </a>
      <AppHeader unread={unread} />
      <m.main
        // Per section, not per path: opening another room keeps the list where it is.
        key={section?.to ?? pathname}
        id="main"
        tabIndex={-1}
        className="app-main"
        initial={{ opacity: 0, y: 6 }}
        animate={{ opacity: 1, y: 0 }}
        transition={{ duration: 0.18, ease: 'easeOut' }}
      >
        <Outlet />
      </m.main>
    </div>
  );
}
