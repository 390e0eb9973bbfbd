import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import type { ChatServiceEvent, ChatSummary, MessagePage, ReadPosition } from '@relay/contracts';
import { runSqliteMigrations } from '@relay/database';
import {
  type ChatStore,
  EventsRejected,
  type MessageRow,
  type PageQuery,
  type ReadPositionRow,
  toMessage,
  toPage,
  toReadPosition,
} from './chat-store.ts';

const MIGRATIONS = fileURLToPath(new URL('./migrations/sqlite', import.meta.url));

/**
 * SQLite result codes (an error's `errcode` carries the extended code; its low byte is the primary
 * one) that are about the values sent: a constraint (CHECK, NOT NULL, UNIQUE, a trigger's RAISE),
 * a datatype mismatch, a value too big. Anything else (busy, locked, I/O, disk full, a closed
 * database) is about the file, and the same rows may go in later. SQLITE_RANGE (a bind index out
 * of range) is left out on purpose: that is a bug in a statement, not in a record.
 */
const REJECTION_CODES = new Map([
  [18, 'SQLITE_TOOBIG'],
  [19, 'SQLITE_CONSTRAINT'],
  [20, 'SQLITE_MISMATCH'],
]);

function asRejection(error: unknown): unknown {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  const name =
    code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number'
      ? REJECTION_CODES.get(errcode & 0xff)
      : undefined;
  return name === undefined ? error : new EventsRejected((error as Error).message, name, error);
}

const MESSAGE_COLUMNS = 'seq, message_id, chat_id, sender_id, client_msg_id, body, sent_at';

/** Every statement the store runs, by name: a name not in this list does not compile. */
const STATEMENTS = {
  insertChat:
    'insert into chats (chat_id, title, created_by, created_at) values (?, ?, ?, ?) on conflict do nothing',
  insertMember:
    'insert into chat_members (chat_id, user_id, joined_at) values (?, ?, ?) on conflict do nothing',
  insertMessage: `insert into messages (message_id, chat_id, sender_id, client_msg_id, body, sent_at)
    values (?, ?, ?, ?, ?, ?) on conflict (message_id) do nothing`,
  seqOf: 'select seq from messages where chat_id = ? and message_id = ?',
  upsertRead: `insert into read_positions (chat_id, user_id, message_seq, message_id, read_at) values (?, ?, ?, ?, ?)
    on conflict (chat_id, user_id) do update set
      message_seq = excluded.message_seq, message_id = excluded.message_id, read_at = excluded.read_at
    where excluded.message_seq > read_positions.message_seq`,
  isMember: 'select 1 from chat_members where chat_id = ? and user_id = ?',
  before: `select ${MESSAGE_COLUMNS} from messages where chat_id = ? and seq < ? order by seq desc limit ?`,
  after: `select ${MESSAGE_COLUMNS} from messages where chat_id = ? and seq > ? order by seq asc limit ?`,
  chatsOf: 'select chat_id from chat_members where user_id = ? order by joined_at',
  last: `select ${MESSAGE_COLUMNS} from messages where chat_id = ? order by seq desc limit 1`,
  readPosition: 'select message_seq, message_id from read_positions where chat_id = ? and user_id = ?',
  readPositions: 'select user_id, message_id, read_at from read_positions where chat_id = ? order by user_id',
  unread: 'select count(*) as n from messages where chat_id = ? and seq > ? and sender_id <> ?',
} as const;

type Statements = { readonly [Name in keyof typeof STATEMENTS]: StatementSync };

function prepareAll(db: DatabaseSync): Statements {
  const entries = Object.entries(STATEMENTS).map(([name, sql]) => [name, db.prepare(sql)]);
  return Object.fromEntries(entries) as Statements;
}

/**
 * The default store: one file, WAL mode so chat-api reads while chat-consumer writes.
 * node:sqlite is synchronous; its calls are short (indexed lookups, one transaction per batch).
 */
export class SqliteChatStore implements ChatStore {
  readonly #db: DatabaseSync;
  readonly #statements: Statements;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec('pragma journal_mode = wal; pragma busy_timeout = 10000; pragma synchronous = normal;');
    // Checkpoint every 10,000 WAL pages (40 MiB), not 1,000: message ids are random, so each insert
    // dirties an index page of its own, and a page changed again before the checkpoint is copied
    // once. 300,000 inserts in batches of 200: 18.2 → 14.2 µs each.
    this.#db.exec('pragma wal_autocheckpoint = 10000;');
    // schema_migrations is the ledger of the runner this store had before drizzle's.
    runSqliteMigrations(this.#db, MIGRATIONS, { adoptVersionTable: 'schema_migrations' });
    this.#statements = prepareAll(this.#db);
  }

  async applyEvents(events: readonly ChatServiceEvent[]): Promise<void> {
    const s = this.#statements;
    this.#db.exec('begin immediate');
    try {
      for (const event of events) {
        switch (event.type) {
          case 'chat.created': {
            const { chatId, title, createdBy, memberIds } = event.payload;
            s.insertChat.run(chatId, title, createdBy, event.occurredAt);
            for (const userId of memberIds) s.insertMember.run(chatId, userId, event.occurredAt);
            break;
          }
          case 'chat.member.added':
            s.insertMember.run(event.payload.chatId, event.payload.userId, event.occurredAt);
            break;
          case 'chat.message.created': {
            const m = event.payload;
            s.insertMessage.run(m.messageId, m.chatId, m.senderId, m.clientMsgId, m.body, m.sentAt);
            break;
          }
          case 'chat.message.read': {
            const { chatId, userId, messageId, readAt } = event.payload;
            const row = s.seqOf.get(chatId, messageId) as { seq: number } | undefined;
            if (row !== undefined) s.upsertRead.run(chatId, userId, row.seq, messageId, readAt);
            break;
          }
        }
      }
      this.#db.exec('commit');
    } catch (error) {
      this.#db.exec('rollback');
      throw asRejection(error);
    }
  }

  async isMember(chatId: string, userId: string): Promise<boolean> {
    return this.#statements.isMember.get(chatId, userId) !== undefined;
  }

  async page(chatId: string, query: PageQuery): Promise<MessagePage | undefined> {
    const s = this.#statements;
    const cursor = query.after ?? query.before;
    const from =
      cursor === undefined ? undefined : (s.seqOf.get(chatId, cursor) as { seq: number } | undefined)?.seq;
    if (cursor !== undefined && from === undefined) return undefined;
    const rows =
      query.after !== undefined
        ? s.after.all(chatId, from as number, query.limit)
        : s.before.all(chatId, from ?? Number.MAX_SAFE_INTEGER, query.limit);
    return toPage(rows as unknown as MessageRow[], query);
  }

  async summaries(userId: string): Promise<ChatSummary[]> {
    const s = this.#statements;
    const chats = s.chatsOf.all(userId) as { chat_id: string }[];
    return chats.map(({ chat_id: chatId }) => {
      const last = s.last.get(chatId) as MessageRow | undefined;
      const read = s.readPosition.get(chatId, userId) as
        | { message_seq: number; message_id: string }
        | undefined;
      const unread = s.unread.get(chatId, read?.message_seq ?? 0, userId) as { n: number };
      return {
        chatId,
        lastMessage: last === undefined ? null : toMessage(last),
        unreadCount: Number(unread.n),
        lastReadMessageId: read?.message_id ?? null,
      };
    });
  }

  async readPositions(chatId: string): Promise<ReadPosition[]> {
    const rows = this.#statements.readPositions.all(chatId) as unknown as ReadPositionRow[];
    return rows.map(toReadPosition);
  }

  async ping(): Promise<void> {
    this.#db.prepare('select 1').get();
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
