import type { ConnectionStatus } from '@relay/chat-client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useAccessTokenRefreshed } from '../../auth/hooks/use-access-token-refreshed.ts';
import { chatSocket } from '../api/chat-socket.ts';

/** Moving from the list to a room (or back) keeps the socket instead of reconnecting. */
const STOP_AFTER_MS = 5_000;
let users = 0;
let stopTimer: ReturnType<typeof setTimeout> | undefined;

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
    users += 1;
    clearTimeout(stopTimer);
    chatSocket.start();
    return () => {
      users -= 1;
      if (users === 0) stopTimer = setTimeout(() => chatSocket.stop(), STOP_AFTER_MS);
    };
  }, []);
  useAccessTokenRefreshed((token) => chatSocket.refreshToken(token));
  const status = useSyncExternalStore(subscribeToStatus, currentStatus);
  const [wasOpen, setWasOpen] = useState(false);
  useEffect(() => {
    if (status === 'open') setWasOpen(true);
  }, [status]);
  return { status, reconnecting: wasOpen && status !== 'open' };
}
