import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { chatSocket } from '../../chats/api/chat-socket.ts';
import { useChatConnection } from '../../chats/hooks/use-chat-connection.ts';
import { conversionsCache } from './conversions-cache.ts';
import { conversionsQueryKey } from './conversions-query-key.ts';

/**
 * Live job status while the page is open, over the app's one socket: the gateway sends
 * `conversion.status` frames for the user's own jobs on it. Each (re)open re-reads the history,
 * since frames sent while it was down are not replayed. Says whether live status is interrupted.
 */
export function useLiveConversionStatus(): { reconnecting: boolean } {
  const queryClient = useQueryClient();
  const { reconnecting } = useChatConnection();
  useEffect(() => {
    const stop = chatSocket.on((event) => {
      if (event.type === 'conversion') conversionsCache.applyStatus(queryClient, event.status);
      else if (event.type === 'status' && event.status === 'open')
        void queryClient.invalidateQueries({ queryKey: conversionsQueryKey });
    });
    return () => {
      stop();
    };
  }, [queryClient]);
  return { reconnecting };
}
