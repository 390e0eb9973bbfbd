import { type ChatServiceEvent, Topics } from '@relay/contracts';
import {
  BatchConsumer,
  type BatchConsumerMetrics,
  type BatchHandler,
  type EventProducer,
  Rejected,
} from '@relay/kafka';
import type { Logger } from '@relay/platform';
import { type ChatStore, EventsRejected } from '../store/chat-store.ts';
import { decodeRecord } from './decode.ts';

/** chat_service events into the store: decode each record, apply a batch in one transaction. */
export function chatEventsHandler(store: ChatStore): BatchHandler<ChatServiceEvent> {
  return {
    decode: (record) => decodeRecord(record.value),
    async handle(events) {
      try {
        await store.applyEvents(events);
      } catch (error) {
        // Refused for their content: the adapter isolates the refused events and dead-letters them.
        if (error instanceof EventsRejected) {
          throw new Rejected(`store rejected: ${error.message} (${error.code})`, { cause: error });
        }
        throw error;
      }
    },
    correlationId: (event) => event.correlationId,
  };
}

export interface ChatConsumerOptions {
  brokers: string[];
  groupId: string;
  /** `chat_service`; tests give a topic of their own. */
  topic?: string;
  /** Static membership id (see CHAT_CONSUMER_INSTANCE_ID); dynamic membership without it. */
  instanceId?: string | undefined;
  batchSize: number;
  store: ChatStore;
  /** Produces poison records to `chat_service.dlq`. */
  deadLetters: EventProducer;
  logger: Logger;
  metrics?: BatchConsumerMetrics;
}

/** chat-consumer: the consumer group `chat-service` feeding the chat store. */
export function createChatConsumer(options: ChatConsumerOptions): BatchConsumer<ChatServiceEvent> {
  return new BatchConsumer({
    brokers: options.brokers,
    clientId: 'chat-consumer',
    groupId: options.groupId,
    groupInstanceId: options.instanceId,
    topic: options.topic ?? Topics.chat,
    batchSize: options.batchSize,
    handler: chatEventsHandler(options.store),
    deadLetters: { producer: options.deadLetters, topic: Topics.chatDeadLetter },
    logger: options.logger,
    metrics: options.metrics,
  });
}
