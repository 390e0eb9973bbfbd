import { useEffect, useState } from 'react';
import { chatSocket } from '../api/chat-socket.ts';

/** A typing frame is sent every few seconds while typing; silence this long means they stopped. */
const TYPING_SHOWN_MS = 4_000;

/** The other members typing in a chat right now; a message from one ends their typing. */
export function useTypingUsers(chatId: string, myUserId: string | undefined): readonly string[] {
  const [typing, setTyping] = useState<readonly string[]>([]);
  useEffect(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const stopTyping = (userId: string) => {
      clearTimeout(timers.get(userId));
      timers.delete(userId);
      setTyping((current) => current.filter((id) => id !== userId));
    };
    const stop = chatSocket.on((event) => {
      if (event.type === 'message' && event.message.chatId === chatId) stopTyping(event.message.senderId);
      if (event.type !== 'typing' || event.chatId !== chatId || event.userId === myUserId) return;
      clearTimeout(timers.get(event.userId));
      timers.set(
        event.userId,
        setTimeout(() => stopTyping(event.userId), TYPING_SHOWN_MS),
      );
      setTyping((current) => (current.includes(event.userId) ? current : [...current, event.userId]));
    });
    return () => {
      stop();
      for (const timer of timers.values()) clearTimeout(timer);
    };
  }, [chatId, myUserId]);
  return typing;
}
