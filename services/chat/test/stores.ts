import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { chatRows } from '@relay/testing';
import pg from 'pg';
import type { ChatStore } from '../src/store/chat-store.ts';
import { PostgresChatStore } from '../src/store/postgres-store.ts';
import { SqliteChatStore } from '../src/store/sqlite-store.ts';

export type StoreKind = 'sqlite' | 'postgres';

/** A fresh, isolated store of each kind: a temp SQLite file, or a PostgreSQL schema of its own. */
export interface TestStore {
  kind: StoreKind;
  /** PostgreSQL only: the schema of this store's tables. */
  schema?: string;
  /** PostgreSQL only: runs SQL as the test (e.g. to break the store on purpose). */
  sql?: (text: string) => Promise<void>;
  /** Env for chat processes that should use this same store. */
  env: Record<string, string>;
  open: () => Promise<ChatStore>;
  rows: (chatId: string) => Promise<{ rows: number; distinct: number }>;
  /** The chat's message bodies in history order (seq). */
  bodies: (chatId: string) => Promise<string[]>;
  /** How many migration steps the store's ledger records. */
  migrationsApplied: () => Promise<number>;
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
      bodies: async (chatId) => {
        const db = new DatabaseSync(path, { readOnly: true });
        try {
          const rows = db.prepare('select body from messages where chat_id = ? order by seq').all(chatId);
          return rows.map((row) => String(row.body));
        } finally {
          db.close();
        }
      },
      migrationsApplied: async () => {
        const db = new DatabaseSync(path, { readOnly: true });
        try {
          return Number(db.prepare('select count(*) as n from __drizzle_migrations').get()?.n);
        } finally {
          db.close();
        }
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `chat_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
  return {
    kind,
    schema,
    sql: async (text) => {
      await pool.query(text);
    },
    env: { CHAT_STORE: 'postgres', CHAT_DATABASE_SCHEMA: schema },
    open: () => PostgresChatStore.open(databaseUrl(), schema),
    rows: async (chatId) => {
      const { rows } = await pool.query<{ total: string; ids: string }>(
        `select count(*) as total, count(distinct message_id) as ids from ${schema}.messages where chat_id = $1`,
        [chatId],
      );
      return { rows: Number(rows[0]?.total), distinct: Number(rows[0]?.ids) };
    },
    bodies: async (chatId) => {
      const { rows } = await pool.query<{ body: string }>(
        `select body from ${schema}.messages where chat_id = $1 order by seq`,
        [chatId],
      );
      return rows.map((row) => row.body);
    },
    migrationsApplied: async () => {
      const { rows } = await pool.query<{ n: string }>(
        `select count(*) as n from ${schema}.__drizzle_migrations`,
      );
      return Number(rows[0]?.n);
    },
    drop: async () => {
      await pool.query(`drop schema if exists ${schema} cascade`);
      await pool.end();
    },
  };
}
