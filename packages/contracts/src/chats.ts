import { z } from 'zod';
import { ChatMessageCreated, ChatTitle, MessageId } from './events.ts';
import { Email } from './users.ts';

/**
 * A message as history and live frames show it. The body is read back as stored: the text rule
 * is enforced where messages come in, and an answer must never fail on a row written before it.
 */
export const ChatMessage = ChatMessageCreated.extend({ body: z.string() });
export type ChatMessage = z.infer<typeof ChatMessage>;

/** The problem `code` both the gateway and chat-api answer a non-member with. */
export const NOT_A_MEMBER = 'not_a_member';
/** The problem `code` chat-api answers a history cursor that is no message of the chat with. */
export const UNKNOWN_CURSOR = 'unknown_cursor';

export const MAX_CHAT_MEMBERS = 100;

export const CreateChatBody = z.object({
  title: ChatTitle.optional(),
  /** Other members; the creator always is one. */
  memberEmails: z
    .array(Email)
    .max(MAX_CHAT_MEMBERS - 1)
    .default([]),
});
export type CreateChatBody = z.infer<typeof CreateChatBody>;

export const AddMembersBody = z.object({
  emails: z
    .array(Email)
    .min(1)
    .max(MAX_CHAT_MEMBERS - 1),
});
export type AddMembersBody = z.infer<typeof AddMembersBody>;

export const ChatMember = z.object({
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  /** A time-limited link to the member's small photo; null without one. */
  photoUrl: z.string().nullable(),
});
export type ChatMember = z.infer<typeof ChatMember>;

/** What chat-api knows of one chat for one reader. */
export const ChatSummary = z.object({
  chatId: z.uuid(),
  lastMessage: ChatMessage.nullable(),
  unreadCount: z.number().int().min(0),
  lastReadMessageId: MessageId.nullable(),
});
export type ChatSummary = z.infer<typeof ChatSummary>;

export const ChatSummaryList = z.object({ chats: z.array(ChatSummary) });

/** How far one member has read a chat: "read by N" survives a reload. */
export const ReadPosition = z.object({ userId: z.uuid(), messageId: MessageId, readAt: z.iso.datetime() });
export type ReadPosition = z.infer<typeof ReadPosition>;

export const ReadPositionList = z.object({ reads: z.array(ReadPosition) });
export type ReadPositionList = z.infer<typeof ReadPositionList>;
export type ChatSummaryList = z.infer<typeof ChatSummaryList>;

export const Chat = z.object({
  id: z.uuid(),
  title: z.string().nullable(),
  createdBy: z.uuid(),
  createdAt: z.iso.datetime(),
  members: z.array(ChatMember),
  lastMessage: ChatMessage.nullable(),
  unreadCount: z.number().int().min(0),
});
export type Chat = z.infer<typeof Chat>;

/**
 * A chat after members were added by e-mail. `invited` holds the addresses with no active account:
 * each becomes a member at its first sign-in. Nothing fails or names an address as unknown, and
 * lookups are rate-limited per user, so the route is no fast way to probe for accounts.
 */
export const ChatWithInvites = Chat.extend({ invited: z.array(z.string()) });
export type ChatWithInvites = z.infer<typeof ChatWithInvites>;

export const ChatList = z.object({ chats: z.array(Chat) });
export type ChatList = z.infer<typeof ChatList>;

export const MAX_PAGE_SIZE = 200;

/** `before` pages back from a message ("continue chat"); `after` pages forward (catching up). */
export const MessagePageQuery = z.object({
  before: MessageId.optional(),
  after: MessageId.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
});
export type MessagePageQuery = z.infer<typeof MessagePageQuery>;

/** Messages oldest first; the cursor to pass as `before` (or `after`) for the next page, if any. */
export const MessagePage = z.object({
  messages: z.array(ChatMessage),
  nextCursor: MessageId.nullable(),
});
export type MessagePage = z.infer<typeof MessagePage>;
