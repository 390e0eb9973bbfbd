import { ConsumerGroups } from '@relay/contracts';
import { kafkaEnv } from '@relay/kafka';
import { baseEnv, jwtEnv, loadConfig, optionalPort, port, secret, unsetWhenEmpty } from '@relay/platform';
import { z } from 'zod';

export const chatEnv = {
  ...baseEnv,
  ...kafkaEnv,
  ...jwtEnv,
  HOST: z.string().default('127.0.0.1'),
  CHAT_PORT: port(8002),
  /** SQLite needs nothing else running; PostgreSQL lets several chat processes share one store. */
  CHAT_STORE: z.enum(['sqlite', 'postgres']).default('sqlite'),
  CHAT_SQLITE_PATH: z.string().min(1).default('.local/data/chat/chat.sqlite'),
  CHAT_DATABASE_URL: secret(z.url()),
  CHAT_DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lower-case identifier')
    .default('public'),
  /** Where chat-api fetches the gateway's public keys to verify access tokens. */
  GATEWAY_JWKS_URL: z.url().default('http://127.0.0.1:8000/.well-known/jwks.json'),
  CHAT_CONSUMER_GROUP: z.string().min(1).default(ConsumerGroups.chatService),
  /**
   * Static group membership: a consumer restarted with the same id takes its partitions back at
   * once instead of waiting out the session. One id per running consumer (e.g. a pod ordinal).
   */
  CHAT_CONSUMER_INSTANCE_ID: unsetWhenEmpty(z.string().min(1).max(128)),
  /** When set, chat-consumer serves /healthz, /readyz and /metrics (its counters) on this port. */
  CHAT_CONSUMER_PORT: optionalPort(),
  /** Most records applied in one transaction. */
  CHAT_CONSUMER_BATCH: z.coerce.number().int().min(1).max(10_000).default(1000),
  /**
   * A fetch waits for this many bytes, or CHAT_CONSUMER_FETCH_WAIT_MS: at a trickle, a fetch and a
   * commit per record cost Kafka and chat-consumer more CPU than the records (profiled at 1,000
   * msgs/s), for a store lag of at most the wait.
   */
  CHAT_CONSUMER_FETCH_MIN_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  CHAT_CONSUMER_FETCH_WAIT_MS: z.coerce.number().int().min(1).max(5000).default(25),
};

export type ChatConfig = ReturnType<typeof loadChatConfig>;

export function loadChatConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(chatEnv, env);
}
