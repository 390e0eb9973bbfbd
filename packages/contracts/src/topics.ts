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
