import { ChatClient } from '@relay/chat-client';
import { baseUrl, session } from '../../../lib/api/api.ts';
import type { Session } from '../../../lib/api/session.ts';
import { type MessageDrafts, messageDrafts } from '../hooks/message-drafts.ts';

/**
 * A token for the socket: after the server refused one (expired, or revoked by a sign-out or password
 * reset elsewhere) the session's one refresh, whose refusal ends the session in every tab.
 */
export const socketToken =
  (source: Pick<Session, 'freshAccessToken' | 'tokenAfterUnauthorized'>) => (refused?: string) =>
    refused === undefined ? source.freshAccessToken() : source.tokenAfterUnauthorized(refused);

/**
 * When the session ends the socket stops, and what it still had to send is kept as each chat's draft
 * instead of waiting for an ack that cannot come.
 */
export function endWithSession(
  client: Pick<ChatClient, 'abandonOutbox' | 'stop' | 'userId'>,
  source: Pick<Session, 'getState' | 'subscribe'>,
  drafts: Pick<MessageDrafts, 'keepUnsent'>,
): () => void {
  return source.subscribe(() => {
    if (source.getState().status !== 'signed-out') return;
    const userId = client.userId;
    const unsent = client.abandonOutbox();
    client.stop();
    if (userId === undefined) return;
    const byChat = Map.groupBy(unsent, (outgoing) => outgoing.chatId);
    for (const [chatId, messages] of byChat)
      drafts.keepUnsent(
        userId,
        chatId,
        messages.map((message) => message.body),
      );
  });
}

/**
 * The app's one chat WebSocket, shared by the list and the rooms so that un-acked messages (the
 * outbox) and the last message seen per chat survive moving between screens.
 */
export const chatSocket = new ChatClient({
  urls: [`${baseUrl.replace(/^http/, 'ws')}/ws`],
  getToken: socketToken(session),
});

endWithSession(chatSocket, session, messageDrafts);

const retries = new EventTarget();

/** "Retry" on a message not sent: the socket tries again at once, and each room shows its overdue ones sending. */
export function retrySending(): void {
  chatSocket.retryNow();
  retries.dispatchEvent(new Event('retry'));
}

export function onRetrySending(listener: () => void): () => void {
  retries.addEventListener('retry', listener);
  return () => retries.removeEventListener('retry', listener);
}
