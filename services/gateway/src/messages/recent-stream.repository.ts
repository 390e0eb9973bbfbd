import type { ChannelLayer } from '@relay/channel-layer';
import { type ChatMessage, Groups } from '@relay/contracts';

/**
 * Where a message is recorded in its chat's recent stream (Redis), by id: recording it a second
 * time finds this key and does nothing. Scoped by chat, so an id from another chat never finds a
 * position in this one's stream (rooms use it to replay "after this message").
 */
export const messageOnceKey = (chatId: string, messageId: string) => `chat-msg:${chatId}:${messageId}`;

/**
 * Records the message in its chat's recent stream and sends it to the room, in one step (a Lua
 * script, so the stream's order is the order rooms hear), once per message id. Returns the
 * message as first recorded: itself, or the earlier one with this id.
 */
export async function recordOnce(
  channelLayer: ChannelLayer,
  message: ChatMessage,
  origin: string,
): Promise<ChatMessage> {
  const group = Groups.chat(message.chatId);
  const { position, sent } = await channelLayer.groupSendRecorded(
    group,
    { type: 'chat.message', message, origin },
    messageOnceKey(message.chatId, message.messageId),
  );
  if (sent) return message;
  const first = await channelLayer.recordedAt(group, position);
  // Trimmed from the stream already: the resend is answered as the message itself.
  return first?.type === 'chat.message' ? first.message : message;
}
