import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createDatabase } from '@relay/database';
import {
  createHttpApp,
  type HttpApp,
  type Logger,
  type ReadinessCheck,
  type ShutdownStep,
} from '@relay/platform';
import type { ChatConfig } from './config.ts';

export interface ChatService {
  http: HttpApp;
  shutdownSteps: ShutdownStep[];
}

/** Wires chat-api's store and routes. */
export async function buildChatService(config: ChatConfig, logger: Logger): Promise<ChatService> {
  const store = openStore(config);

  const http = await createHttpApp({
    name: 'chat',
    version: '0.1.0',
    logger,
    openapi: { title: 'Relay chat', description: 'Chat history.' },
    readiness: [store.readiness],
  });

  return {
    http,
    shutdownSteps: [
      { name: 'http', close: () => http.close() },
      { name: 'store', close: store.close },
    ],
  };
}

function openStore(config: ChatConfig): { readiness: ReadinessCheck; close: () => Promise<void> } {
  if (config.CHAT_STORE === 'postgres') {
    const database = createDatabase({ url: config.CHAT_DATABASE_URL }, {});
    return { readiness: { name: 'postgres', check: database.ping }, close: database.close };
  }
  mkdirSync(dirname(config.CHAT_SQLITE_PATH), { recursive: true });
  const sqlite = new DatabaseSync(config.CHAT_SQLITE_PATH);
  sqlite.exec('PRAGMA journal_mode = WAL');
  return {
    readiness: {
      name: 'sqlite',
      check: async () => {
        sqlite.prepare('select 1').get();
      },
    },
    close: async () => sqlite.close(),
  };
}
