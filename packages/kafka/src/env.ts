import { z } from 'zod';

/** The Kafka variables, shared by every process that produces or consumes. */
export const kafkaEnv = {
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1)),
  KAFKA_CHAT_PARTITIONS: z.coerce.number().int().min(1).max(256).default(6),
  /** Least time between two produce requests of one producer under load (EventProducer's lingerMs). */
  KAFKA_PRODUCER_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(2),
  /**
   * Put before every topic name a process produces to or consumes (''): a second deployment on one
   * cluster, or bench/chat's own cluster, keeps its events out of the real `chat_service`.
   */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, dots, underscores and dashes only')
    .default(''),
  /** Replicas of each topic provisioning creates: 1 on the single local broker, 3 in production. */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(16).default(1),
};
