import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { session } from '../../../lib/api/api.ts';
import { chatSocket, onRetrySending } from '../api/chat-socket.ts';
import { chatsApi } from '../api/chats-api.ts';
import { messageDrafts } from './message-drafts.ts';
import { emptyRoomMessages, roomMessages } from './room-messages.ts';

/** The socket's ack timeout (its first resend): a message still un-acked then says "Not sent". */
export const SEND_DEADLINE_MS = 10_000;

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
  const deadlines = useSendDeadlines(dispatch);
  const latest = useRef(state);
  latest.current = state;

  useEffect(
    () =>
      onRetrySending(() => {
        for (const message of latest.current.messages)
          if (message.delivery === 'overdue') deadlines.arm(message.clientMsgId);
        dispatch({ type: 'retrying' });
      }),
    [deadlines],
  );

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
      deadlines.arm(clientMsgId);
      // Queued while offline and resent after reconnect by the socket; only a final refusal (or the
      // session's end, which keeps every unsent message as a draft itself) lands here.
      chatSocket.send(chatId, body, clientMsgId).then(
        () => deadlines.disarm(clientMsgId),
        () => {
          deadlines.disarm(clientMsgId);
          dispatch({ type: 'failed', clientMsgId });
          if (session.getState().status === 'signed-in') messageDrafts.keepUnsent(myUserId, chatId, [body]);
        },
      );
    },
    [chatId, myUserId, deadlines],
  );

  return { state, load, retry: () => setAttempt((n) => n + 1), loadOlder, send };
}

/** One timer per own message on its way: when it fires before the ack, the message is overdue. */
function useSendDeadlines(dispatch: (action: { type: 'overdue'; clientMsgId: string }) => void) {
  const [deadlines] = useState(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    return {
      timers,
      arm(clientMsgId: string) {
        clearTimeout(timers.get(clientMsgId));
        timers.set(
          clientMsgId,
          setTimeout(() => {
            timers.delete(clientMsgId);
            dispatch({ type: 'overdue', clientMsgId });
          }, SEND_DEADLINE_MS),
        );
      },
      disarm(clientMsgId: string) {
        clearTimeout(timers.get(clientMsgId));
        timers.delete(clientMsgId);
      },
    };
  });
  useEffect(
    () => () => {
      for (const timer of deadlines.timers.values()) clearTimeout(timer);
      deadlines.timers.clear();
    },
    [deadlines],
  );
  return deadlines;
}
