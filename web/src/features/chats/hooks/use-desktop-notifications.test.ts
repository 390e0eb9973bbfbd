import type { Chat, ChatMessage } from '@relay/contracts';
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (event: { type: 'message'; message: ChatMessage; replayed: boolean }) => void;
const socket = vi.hoisted(() => ({ listeners: new Set<Listener>() }));
vi.mock('../api/chat-socket.ts', () => ({
  chatSocket: {
    on: (listener: Listener) => {
      socket.listeners.add(listener);
      return () => socket.listeners.delete(listener);
    },
  },
}));

const { useDesktopNotifications, useNotificationSetting } = await import('./use-desktop-notifications.ts');

const ME = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';
const chat: Chat = {
  id: '00000000-0000-4000-8000-000000000001',
  title: null,
  createdBy: ME,
  createdAt: '2026-11-25T10:00:00.000Z',
  members: [
    { userId: ME, name: 'Ada Lovelace', email: 'ada@example.com', photoUrl: null },
    { userId: BOB, name: 'Bob Noyce', email: 'bob@example.com', photoUrl: null },
  ],
  lastMessage: null,
  unreadCount: 0,
};
const from = (senderId: string): ChatMessage => ({
  chatId: chat.id,
  messageId: crypto.randomUUID(),
  clientMsgId: crypto.randomUUID(),
  senderId,
  body: 'Lunch?',
  sentAt: '2026-11-25T10:00:00.000Z',
});

/** The browser's Notification, recording what was shown; permission as the test sets it. */
class FakeNotification {
  static permission: NotificationPermission = 'default';
  static shown: FakeNotification[] = [];
  static requestPermission = vi.fn(async () => FakeNotification.permission);
  onclick: (() => void) | null = null;
  close = vi.fn();
  readonly title: string;
  readonly options: NotificationOptions;
  constructor(title: string, options: NotificationOptions) {
    this.title = title;
    this.options = options;
    FakeNotification.shown.push(this);
  }
}

let visibility: DocumentVisibilityState = 'visible';

function deliver(message: ChatMessage) {
  act(() => {
    for (const listener of socket.listeners) listener({ type: 'message', message, replayed: false });
  });
}

async function optIn() {
  const setting = renderHook(() => useNotificationSetting());
  await act(() => setting.result.current.toggle());
  return setting;
}

beforeEach(() => {
  FakeNotification.permission = 'granted';
  FakeNotification.shown = [];
  visibility = 'hidden';
  vi.stubGlobal('Notification', FakeNotification);
  vi.spyOn(window, 'focus').mockImplementation(() => undefined);
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
  localStorage.clear();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('desktop notifications', () => {
  it('shows others’ messages while the tab is hidden once opted in; a click opens the chat', async () => {
    const openChat = vi.fn();
    renderHook(() => useDesktopNotifications([chat], ME, openChat));
    const setting = await optIn();
    expect(setting.result.current.enabled).toBe(true);

    deliver(from(BOB));
    expect(FakeNotification.shown).toHaveLength(1);
    const [shown] = FakeNotification.shown;
    expect(shown?.title).toBe('Bob Noyce');
    expect(shown?.options).toMatchObject({ body: 'Lunch?', tag: chat.id });
    shown?.onclick?.();
    expect(openChat).toHaveBeenCalledWith(chat.id);
    expect(shown?.close).toHaveBeenCalled();
  });

  it('shows nothing without opting in, while the tab is visible, or for own messages', async () => {
    renderHook(() => useDesktopNotifications([chat], ME, vi.fn()));
    deliver(from(BOB));
    expect(FakeNotification.shown).toHaveLength(0);

    await optIn();
    visibility = 'visible';
    deliver(from(BOB));
    visibility = 'hidden';
    deliver(from(ME));
    expect(FakeNotification.shown).toHaveLength(0);
  });

  it('stays off when the browser refuses permission, and says it is blocked', async () => {
    FakeNotification.permission = 'denied';
    renderHook(() => useDesktopNotifications([chat], ME, vi.fn()));
    const setting = await optIn();
    expect(setting.result.current.enabled).toBe(false);
    expect(setting.result.current.blocked).toBe(true);
    deliver(from(BOB));
    expect(FakeNotification.shown).toHaveLength(0);
  });

  it('turns off again', async () => {
    renderHook(() => useDesktopNotifications([chat], ME, vi.fn()));
    const setting = await optIn();
    await act(() => setting.result.current.toggle());
    expect(setting.result.current.enabled).toBe(false);
    deliver(from(BOB));
    expect(FakeNotification.shown).toHaveLength(0);
  });
});
