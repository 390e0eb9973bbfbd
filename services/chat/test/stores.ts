import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatRows } from '@relay/testing';
import pg from 'pg';
import type { ChatStore } from '../src/store/chat-store.ts';
import { PostgresChatStore } from '../src/store/postgres-store.ts';
import { SqliteChatStore } from '../src/store/sqlite-store.ts';

export type StoreKind = 'sqlite' | 'postgres';

/** A fresh, isolated store of each kind: a temp SQLite file, or a PostgreSQL schema of its own. */
export interface TestStore {
  kind: StoreKind;
  /** Env for chat processes that should use this same store. */
  env: Record<string, string>;
  open: () => Promise<ChatStore>;
  rows: (chatId: string) => Promise<{ rows: number; distinct: number }>;
  drop: () => Promise<void>;
}

const databaseUrl = () => {
  const url = process.env.CHAT_DATABASE_URL;
  if (url === undefined) throw new Error('CHAT_DATABASE_URL is not set (run through ./relay test)');
  return url;
};

export function testStore(kind: StoreKind): TestStore {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'relay-chat-store-'));
    const path = join(dir, 'chat.sqlite');
    return {
      kind,
      env: { CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: path },
      open: async () => new SqliteChatStore(path),
      rows: async (chatId) => chatRows(path, chatId),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `chat_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
  return {
    kind,
    env: { CHAT_STORE: 'postgres', CHAT_DATABASE_SCHEMA: schema },
    open: () => PostgresChatStore.open(databaseUrl(), schema),
    rows: async (chatId) => {
      const { rows } = await pool.query<{ total: string; ids: string }>(
        `select count(*) as total, count(distinct message_id) as ids from ${schema}.messages where chat_id = $1`,
        [chatId],
      );
      return { rows: Number(rows[0]?.total), distinct: Number(rows[0]?.ids) };
    },
    drop: async () => {
      await pool.query(`drop schema if exists ${schema} cascade`);
      await pool.end();
    },
  };
}
