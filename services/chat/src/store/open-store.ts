import type { Logger } from '@relay/platform';
import type { ChatConfig } from '../config.ts';
import type { ChatStore } from './chat-store.ts';
import { PostgresChatStore } from './postgres-store.ts';
import { SqliteChatStore } from './sqlite-store.ts';

/** The configured store, migrated and ready. */
export async function openChatStore(config: ChatConfig, logger: Logger): Promise<ChatStore> {
  if (config.CHAT_STORE === 'postgres') {
    return PostgresChatStore.open(config.CHAT_DATABASE_URL, config.CHAT_DATABASE_SCHEMA, (err) =>
      logger.warn({ err }, 'PostgreSQL dropped an idle connection; the pool opens a new one'),
    );
  }
  return new SqliteChatStore(config.CHAT_SQLITE_PATH);
}
