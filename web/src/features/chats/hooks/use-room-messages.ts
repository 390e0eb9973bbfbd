import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { chatSocket } from '../api/chat-socket.ts';
import { chatsApi } from '../api/chats-api.ts';
import { emptyRoomMessages, roomMessages } from './room-messages.ts';

type LoadState = 'loading' | 'ready' | 'error';

/**
 * A room's messages: the newest history page, then live from its last message (the socket replays
 * what came in between), older pages on demand, and own sends with their delivery state.
 */
export function useRoomMessages(chatId: string, myUserId: string | undefined) {
  const [state, dispatch] = useReducer(roomMessages, emptyRoomMessages);
  const [load, setLoad] = useState<LoadState>('loading');
  const [attempt, setAttempt] = useState(0);
  const loadingOlder = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt (Try again) loads the room again
  useEffect(() => {
    const stop = chatSocket.on((event) => {
      if (event.type === 'message' && event.message.chatId === chatId)
        dispatch({ type: 'received', message: event.message });
      else if (event.type === 'ack' && event.chatId === chatId) dispatch({ ...event, type: 'ack' });
      else if (event.type === 'read' && event.chatId === chatId) dispatch({ ...event, type: 'read' });
      else if (event.type === 'error' && event.code === 'unknown_message' && event.chatId === chatId) {
        // The server could not replay from our last message: what we show may have gaps; start over.
        dispatch({ type: 'reload' });
        setAttempt((n) => n + 1);
      }
    });
    let cancelled = false;
    setLoad('loading');
    chatsApi.history(chatId).then(
      (page) => {
        if (cancelled) return;
        dispatch({ type: 'history', messages: page.messages, olderCursor: page.nextCursor });
        chatSocket.subscribe(chatId, page.messages.at(-1)?.messageId);
        setLoad('ready');
        // Without them the room still works; own messages just say "Sent" until a live receipt.
        chatsApi.reads(chatId).then(
          (reads) => cancelled || dispatch({ type: 'reads', reads }),
          () => undefined,
        );
      },
      () => cancelled || setLoad('error'),
    );
    return () => {
      cancelled = true;
      stop();
      chatSocket.unsubscribe(chatId);
    };
  }, [chatId, attempt]);

  const loadOlder = useCallback(async () => {
    if (typeof state.olderCursor !== 'string' || loadingOlder.current) return;
    loadingOlder.current = true;
    try {
      const page = await chatsApi.history(chatId, state.olderCursor);
      dispatch({ type: 'history', messages: page.messages, olderCursor: page.nextCursor });
    } finally {
      loadingOlder.current = false;
    }
  }, [chatId, state.olderCursor]);

  const send = useCallback(
    (body: string) => {
      if (myUserId === undefined) return;
      const clientMsgId = crypto.randomUUID();
      dispatch({ type: 'sending', clientMsgId, senderId: myUserId, body, sentAt: new Date().toISOString() });
      // Queued while offline and resent after reconnect by the socket; only a final refusal lands here.
      chatSocket.send(chatId, body, clientMsgId).catch(() => dispatch({ type: 'failed', clientMsgId }));
    },
    [chatId, myUserId],
  );

  return { state, load, retry: () => setAttempt((n) => n + 1), loadOlder, send };
}
