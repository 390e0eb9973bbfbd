export { kafkaEnv } from './env.ts';
export { EventProducer, type EventProducerOptions, type OutgoingEvent } from './producer.ts';
export { ensureTopics, relayTopics, startGroupAtEnd, type TopicSpec } from './topics.ts';
