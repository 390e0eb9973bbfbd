import type { ChatServiceEvent, EventEnvelope } from './events.ts';

/** Kafka topic names: the only place they are spelled. */
export const Topics = {
  chat: 'chat_service',
  chatDeadLetter: 'chat_service.dlq',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Consumer group names. */
export const ConsumerGroups = {
  chatService: 'chat-service',
} as const;

/** A topic of enveloped events: its name and the partition key that keeps related events in order. */
export interface EventTopic<Event extends EventEnvelope> {
  name: string;
  key: (event: Event) => string;
}

/** `chat_service`: keyed by chat id, so one chat's events stay in one partition, in order. */
export const ChatServiceTopic: EventTopic<ChatServiceEvent> = {
  name: Topics.chat,
  key: (event) => event.payload.chatId,
};
