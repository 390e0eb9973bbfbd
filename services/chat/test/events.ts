import { randomUUID } from 'node:crypto';
import type { ChatServiceEvent } from '@relay/contracts';

/** Event builders for chat-service tests: the envelope as the gateway writes it. */
const envelope = <Type extends ChatServiceEvent['type']>(
  type: Type,
  payload: Extract<ChatServiceEvent, { type: Type }>['payload'],
) =>
  ({
    id: randomUUID(),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    correlationId: 'chat-test',
    payload,
  }) as Extract<ChatServiceEvent, { type: Type }>;

export const chatCreated = (chatId: string, memberIds: string[]) =>
  envelope('chat.created', { chatId, title: 'test', createdBy: memberIds[0] ?? randomUUID(), memberIds });

export const memberAdded = (chatId: string, userId: string) =>
  envelope('chat.member.added', { chatId, userId, addedBy: randomUUID() });

export const messageCreated = (chatId: string, senderId: string, body: string) =>
  envelope('chat.message.created', {
    messageId: randomUUID(),
    chatId,
    senderId,
    clientMsgId: randomUUID(),
    body,
    sentAt: new Date().toISOString(),
  });

export const messageRead = (chatId: string, userId: string, messageId: string) =>
  envelope('chat.message.read', { chatId, userId, messageId, readAt: new Date().toISOString() });

/**
 * A message the contract accepts but no store can hold: there is no year 0 (PostgreSQL refuses it,
 * and SQLite is held to the same), so the store rejects it however often it is applied.
 */
export const yearZeroMessage = (chatId: string, senderId: string) => {
  const event = messageCreated(chatId, senderId, 'sent in year zero');
  return { ...event, payload: { ...event.payload, sentAt: '0000-01-01T00:00:00.000Z' } };
};
