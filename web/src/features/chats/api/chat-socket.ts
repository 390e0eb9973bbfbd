import { ChatClient } from '@relay/chat-client';
import { baseUrl, session } from '../../../lib/api/api.ts';

/**
 * The app's one chat WebSocket, shared by the list and the rooms so that un-acked messages (the
 * outbox) and the last message seen per chat survive moving between screens.
 */
export const chatSocket = new ChatClient({
  urls: [`${baseUrl.replace(/^http/, 'ws')}/ws`],
  getToken: () => session.freshAccessToken(),
});
