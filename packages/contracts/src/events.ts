import { z } from 'zod';
import { opaqueId, singleLineText, visibleText } from './text.ts';

/** Header that carries the correlation id across HTTP, Kafka and jobs. */
export const CORRELATION_HEADER = 'x-correlation-id';

export const MessageId = opaqueId(64);
/** Chosen by the sending client, unique per chat and sender; a resend reuses it. */
export const ClientMsgId = opaqueId(64);
export const MessageBody = visibleText(4000);
export const ChatTitle = singleLineText(120);
export const ChatId = z.uuid();
export const UserId = z.uuid();

export const ChatMessageCreated = z.object({
  messageId: MessageId,
  chatId: ChatId,
  senderId: UserId,
  clientMsgId: ClientMsgId,
  body: MessageBody,
  sentAt: z.iso.datetime(),
});
export type ChatMessageCreated = z.infer<typeof ChatMessageCreated>;

export const ChatCreated = z.object({
  chatId: ChatId,
  title: ChatTitle.nullable(),
  createdBy: UserId,
  memberIds: z.array(UserId).min(1),
});
export type ChatCreated = z.infer<typeof ChatCreated>;

export const ChatMemberAdded = z.object({
  chatId: ChatId,
  userId: UserId,
  addedBy: UserId,
});
export type ChatMemberAdded = z.infer<typeof ChatMemberAdded>;

export const ChatMessageRead = z.object({
  chatId: ChatId,
  userId: UserId,
  messageId: MessageId,
  readAt: z.iso.datetime(),
});
export type ChatMessageRead = z.infer<typeof ChatMessageRead>;

/** The envelope's version this code writes and the only one consumers accept. */
export const EVENT_VERSION = 1;

const envelope = <Type extends string, Payload extends z.ZodType>(type: Type, payload: Payload) =>
  z.object({
    id: z.uuid(),
    type: z.literal(type),
    version: z.literal(1),
    occurredAt: z.iso.datetime(),
    correlationId: z.string().min(1).max(128),
    payload,
  });

/** Every event on `chat_service`, keyed by chat id so one chat's events keep their order. */
export const ChatServiceEvent = z.discriminatedUnion('type', [
  envelope('chat.message.created', ChatMessageCreated),
  envelope('chat.created', ChatCreated),
  envelope('chat.member.added', ChatMemberAdded),
  envelope('chat.message.read', ChatMessageRead),
]);
export type ChatServiceEvent = z.infer<typeof ChatServiceEvent>;
export type ChatServiceEventType = ChatServiceEvent['type'];

/** The fields every enveloped event has, whatever its topic. */
export interface EventEnvelope {
  id: string;
  type: string;
  version: typeof EVENT_VERSION;
  occurredAt: string;
  correlationId: string;
  payload: unknown;
}
