import { kafkaEnv } from '@relay/kafka';
import { baseEnv, loadConfig, port, secret } from '@relay/platform';
import { z } from 'zod';

export const chatEnv = {
  ...baseEnv,
  ...kafkaEnv,
  HOST: z.string().default('127.0.0.1'),
  CHAT_PORT: port(8002),
  /** SQLite needs nothing else running; PostgreSQL lets several chat-api instances share one store. */
  CHAT_STORE: z.enum(['sqlite', 'postgres']).default('sqlite'),
  CHAT_SQLITE_PATH: z.string().min(1).default('.local/data/chat/chat.sqlite'),
  CHAT_DATABASE_URL: secret(z.url()),
};

export type ChatConfig = ReturnType<typeof loadChatConfig>;

export function loadChatConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(chatEnv, env);
}
