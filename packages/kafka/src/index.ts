export {
  BatchConsumer,
  type BatchConsumerMetrics,
  type BatchConsumerOptions,
  type BatchHandler,
  type ConsumedRecord,
  type Decoded,
  type FetchWait,
  Rejected,
} from './batch-consumer.ts';
export { kafkaEnv } from './env.ts';
export {
  type EventDraft,
  EventProducer,
  type EventProducerOptions,
  type OutgoingEvent,
  type PublishOptions,
} from './producer.ts';
export { deleteTopics, ensureTopics, relayTopics, startGroupAtEnd, type TopicSpec } from './topics.ts';
