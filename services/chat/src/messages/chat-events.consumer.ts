import { ChatServiceEvent, EVENT_VERSION, Topics } from '@relay/contracts';
import {
  BatchConsumer,
  type BatchConsumerMetrics,
  type BatchHandler,
  type Decoded,
  type EventProducer,
  type FetchWait,
  Rejected,
} from '@relay/kafka';
import type { Logger } from '@relay/platform';
import { type ChatStore, EventsRejected } from '../store/chat-store.ts';

/** chat_service events into the store: decode each record, apply a batch in one transaction. */
function chatEventsHandler(store: ChatStore): BatchHandler<ChatServiceEvent> {
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

/** One record's value as an event, or why it is poison (it then goes to the dead-letter topic). */
export function decodeRecord(value: string | undefined | null): Decoded<ChatServiceEvent> {
  if (value === undefined || value === null || value === '') return { ok: false, reason: 'empty value' };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (version !== EVENT_VERSION)
    return { ok: false, reason: `unsupported version ${JSON.stringify(version ?? null)}` };
  const parsed = ChatServiceEvent.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `schema: ${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, event: parsed.data };
}

export interface ChatConsumerOptions {
  brokers: string[];
  groupId: string;
  /** `chat_service`; tests give a topic of their own. */
  topic?: string;
  /** KAFKA_TOPIC_PREFIX, before the topic and the dead-letter topic alike. */
  topicPrefix?: string;
  /** Static membership id (see CHAT_CONSUMER_INSTANCE_ID); dynamic membership without it. */
  instanceId?: string | undefined;
  batchSize: number;
  fetch?: FetchWait;
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
    topicPrefix: options.topicPrefix,
    batchSize: options.batchSize,
    fetch: options.fetch,
    handler: chatEventsHandler(options.store),
    deadLetters: { producer: options.deadLetters, topic: Topics.chatDeadLetter },
    logger: options.logger,
    metrics: options.metrics,
  });
}
