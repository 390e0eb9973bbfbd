import { useCallback, useEffect, useState } from 'react';
import { type MessageDraft, messageDrafts } from './message-drafts.ts';

const EMPTY: MessageDraft = { text: '', notSent: false };

/**
 * A chat composer's text, kept as the chat's draft while typed: it comes back after moving between
 * chats, a reload or a sign-out, and messages that were never sent join it ("Not sent").
 */
export function useMessageDraft(userId: string | undefined, chatId: string | undefined) {
  const [draft, setDraft] = useState<MessageDraft & { chatId: string | undefined }>({ ...EMPTY, chatId });

  useEffect(() => {
    if (userId === undefined || chatId === undefined) return;
    // Text typed before the profile (the user id) was known stays, unless it was another chat's.
    const load = () =>
      setDraft((typed) => {
        const stored = messageDrafts.read(userId, chatId);
        if (stored !== undefined) return { ...stored, chatId };
        return typed.chatId === chatId ? typed : { ...EMPTY, chatId };
      });
    load();
    return messageDrafts.onKept(userId, chatId, load);
  }, [userId, chatId]);

  const change = useCallback(
    (text: string) =>
      setDraft((current) => {
        const next = { text, notSent: current.notSent && text.trim() !== '' };
        if (userId !== undefined && chatId !== undefined) messageDrafts.write(userId, chatId, next);
        return { ...next, chatId };
      }),
    [userId, chatId],
  );

  const sent = useCallback(() => {
    setDraft({ ...EMPTY, chatId });
    if (userId !== undefined && chatId !== undefined) messageDrafts.clear(userId, chatId);
  }, [userId, chatId]);

  return { text: draft.text, notSent: draft.notSent, change, sent };
}
