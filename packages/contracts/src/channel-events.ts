import { z } from 'zod';
import { ConversionStatusChanged } from './conversions.ts';
import { ChatId, ChatMessageCreated, MessageId, UserId } from './events.ts';

/** Events sent to channel-layer groups (Redis), shared by gateway and convert. */
export const ChannelEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('chat.message'),
    message: ChatMessageCreated,
    /** The connection that sent it: it has its ack and needs no copy. */
    origin: z.string().max(64).optional(),
  }),
  z.object({ type: z.literal('chat.typing'), chatId: ChatId, userId: UserId }),
  z.object({ type: z.literal('chat.read'), chatId: ChatId, userId: UserId, messageId: MessageId }),
  z.object({ type: z.literal('conversion.status'), status: ConversionStatusChanged }),
  /** To the user's own group: they became a member of a chat (created, added or invited). */
  z.object({ type: z.literal('chat.joined'), chatId: ChatId, userId: UserId }),
]);
export type ChannelEvent = z.infer<typeof ChannelEvent>;

/** Group names, so producers and subscribers never disagree on spelling. */
export const Groups = {
  chat: (chatId: string) => `chat.${chatId}`,
  user: (userId: string) => `user.${userId}`,
} as const;
