import type { Chat, ChatMessage } from '@relay/contracts';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { chatSocket } from '../api/chat-socket.ts';
import { chatTitle } from '../components/chat-title.ts';

const STORAGE_KEY = 'relay.desktop-notifications';
const listeners = new Set<() => void>();

const notificationsSupported = (): boolean => typeof window !== 'undefined' && 'Notification' in window;

/** Opted in here and allowed by the browser: both, or no notification is shown. */
function isEnabled(): boolean {
  return (
    notificationsSupported() &&
    Notification.permission === 'granted' &&
    localStorage.getItem(STORAGE_KEY) === 'on'
  );
}

function setOptIn(on: boolean): void {
  if (on) localStorage.setItem(STORAGE_KEY, 'on');
  else localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The opt-in switch: asking the browser's permission the first time it is turned on. */
export function useNotificationSetting() {
  const enabled = useSyncExternalStore(subscribe, isEnabled, () => false);
  return {
    supported: notificationsSupported(),
    enabled,
    /** The browser refused: only its site settings can undo that. */
    blocked: notificationsSupported() && Notification.permission === 'denied',
    toggle: async () => {
      if (enabled) return setOptIn(false);
      const permission = await Notification.requestPermission();
      setOptIn(permission === 'granted');
    },
  };
}

interface NotifyContext {
  enabled: boolean;
  hidden: boolean;
  myUserId: string | undefined;
  chats: readonly Chat[];
}

/** What to show for a live message, or nothing: only others' new messages, opted in, the tab hidden. */
function messageNotification(
  message: ChatMessage,
  context: NotifyContext,
): { title: string; body: string; tag: string } | undefined {
  if (!context.enabled || !context.hidden || message.senderId === context.myUserId) return;
  const chat = context.chats.find((candidate) => candidate.id === message.chatId);
  if (chat === undefined) return;
  const sender = chat.members.find((member) => member.userId === message.senderId)?.name ?? 'Someone';
  const title = chatTitle(chat, context.myUserId);
  return {
    title: chat.members.length > 2 ? `${sender} in ${title}` : sender,
    body: message.body,
    tag: chat.id,
  };
}

/**
 * Desktop notifications of new messages while the tab is hidden; clicking one opens its chat. One
 * per chat at a time (its tag), so a burst after a reconnect replaces rather than piles up.
 */
export function useDesktopNotifications(
  chats: readonly Chat[],
  myUserId: string | undefined,
  openChat: (chatId: string) => void,
): void {
  const latest = useRef({ chats, myUserId, openChat });
  latest.current = { chats, myUserId, openChat };
  useEffect(
    () =>
      chatSocket.on((event) => {
        if (event.type !== 'message') return;
        const { chats, myUserId, openChat } = latest.current;
        const shown = messageNotification(event.message, {
          enabled: isEnabled(),
          hidden: document.visibilityState === 'hidden',
          myUserId,
          chats,
        });
        if (shown === undefined) return;
        const notification = new Notification(shown.title, { body: shown.body, tag: shown.tag });
        notification.onclick = () => {
          window.focus();
          openChat(shown.tag);
          notification.close();
        };
      }),
    [],
  );
}
