import type { Chat } from '@relay/contracts';
import { useEffect } from 'react';

/** Unread messages across every chat: the figure the title and the Chats badge show. */
export function totalUnread(chats: readonly Chat[] | undefined): number {
  return (chats ?? []).reduce((sum, chat) => sum + chat.unreadCount, 0);
}

/** "(3) Chats · Relay": the count first, so a tab squeezed to a few letters still shows it. */
export function unreadTitle(unread: number, section: string | undefined): string {
  const base = section === undefined ? 'Relay' : `${section} · Relay`;
  return unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${base}` : base;
}

/** Keeps the document's title on the section shown and the unread count. */
export function useUnreadTitle(unread: number, section: string | undefined): void {
  useEffect(() => {
    document.title = unreadTitle(unread, section);
  }, [unread, section]);
  useEffect(
    () => () => {
      document.title = 'Relay';
    },
    [],
  );
}
