import type { ConnectionStatus } from '@relay/chat-client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useAccessTokenRefreshed } from '../../auth/hooks/use-access-token-refreshed.ts';
import { chatSocket } from '../api/chat-socket.ts';

/** Moving from the list to a room (or back) keeps the socket instead of reconnecting. */
const STOP_AFTER_MS = 5_000;
let users = 0;
let stopTimer: ReturnType<typeof setTimeout> | undefined;

/*
 * A socket whose network went away can look open for minutes (no close until TCP gives up), and
 * sends into it are lost until the resend timer: on `offline` it is closed at once, so the banner
 * shows and what is typed waits in the outbox; on `online` it reconnects without waiting for back-off.
 */
const goOffline = () => chatSocket.stop();
const goOnline = () => {
  chatSocket.stop();
  chatSocket.start();
};

function acquire(): void {
  users += 1;
  clearTimeout(stopTimer);
  if (users > 1) return;
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);
  if (navigator.onLine) chatSocket.start();
}

function release(): void {
  users -= 1;
  if (users > 0) return;
  window.removeEventListener('offline', goOffline);
  window.removeEventListener('online', goOnline);
  stopTimer = setTimeout(() => chatSocket.stop(), STOP_AFTER_MS);
}

const subscribeToStatus = (onChange: () => void) =>
  chatSocket.on((event) => {
    if (event.type === 'status') onChange();
  });
const currentStatus = (): ConnectionStatus => chatSocket.status;

/**
 * Keeps the chat socket running while a chat screen is shown, re-authenticates it after each token
 * refresh, and says whether it is down after having been up (the "Reconnecting…" banner).
 */
export function useChatConnection(): { status: ConnectionStatus; reconnecting: boolean } {
  useEffect(() => {
    acquire();
    return release;
  }, []);
  useAccessTokenRefreshed((token) => chatSocket.refreshToken(token));
  const status = useSyncExternalStore(subscribeToStatus, currentStatus);
  const [wasOpen, setWasOpen] = useState(false);
  useEffect(() => {
    if (status === 'open') setWasOpen(true);
  }, [status]);
  return { status, reconnecting: wasOpen && status !== 'open' };
}
