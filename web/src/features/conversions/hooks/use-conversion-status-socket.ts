import { ServerFrame, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '@relay/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { baseUrl, session } from '../../../lib/api/api.ts';
import { conversionsCache } from './conversions-cache.ts';
import { conversionsQueryKey } from './conversions-query-key.ts';

const SOCKET_URL = `${baseUrl.replace(/^http/, 'ws')}/ws`;
const MAX_BACKOFF_MS = 15_000;
/** Under the gateway's idle timeout, so a quiet page keeps its socket. */
const PING_EVERY_MS = 25_000;

/**
 * Live job status while the page is open: the gateway sends `conversion.status` frames for the user's
 * own jobs on any /ws connection. Its own socket (chat-client's serves the chat screens); each (re)open
 * re-reads the history, since frames sent while it was down are not replayed.
 */
export function useConversionStatusSocket(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let socket: WebSocket | undefined;
    let stopped = false;
    let failures = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;

    const connect = async () => {
      const token = await session.freshAccessToken().catch(() => undefined);
      if (stopped) return;
      if (token === undefined) return reconnectLater();
      socket = new WebSocket(SOCKET_URL, [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${token}`]);
      socket.addEventListener('open', () => {
        if (stopped) return;
        failures = 0;
        ping = setInterval(() => socket?.send(JSON.stringify({ type: 'ping' })), PING_EVERY_MS);
        void queryClient.invalidateQueries({ queryKey: conversionsQueryKey });
      });
      socket.addEventListener('message', (event) => {
        const frame = ServerFrame.safeParse(JSON.parse(String(event.data)));
        if (frame.success && frame.data.type === 'conversion.status') {
          conversionsCache.applyStatus(queryClient, frame.data.status);
        }
      });
      socket.addEventListener('close', () => {
        clearInterval(ping);
        if (!stopped) reconnectLater();
      });
    };
    const reconnectLater = () => {
      failures += 1;
      retry = setTimeout(() => void connect(), Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures));
    };
    const stopRefreshing = session.onAccessToken((accessToken) => {
      if (socket?.readyState === WebSocket.OPEN)
        socket.send(JSON.stringify({ type: 'auth.refresh', accessToken }));
    });

    void connect();
    return () => {
      stopped = true;
      stopRefreshing();
      clearTimeout(retry);
      clearInterval(ping);
      // Closing one still connecting makes Chromium log a warning: let it open first.
      const closing = socket;
      if (closing?.readyState === WebSocket.CONNECTING)
        closing.addEventListener('open', () => closing.close(1000));
      else closing?.close(1000);
    };
  }, [queryClient]);
}
