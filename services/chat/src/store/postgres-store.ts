import { fileURLToPath } from 'node:url';
import type { ChatMessage, ChatServiceEvent, ChatSummary, MessagePage, ReadPosition } from '@relay/contracts';
import { createDatabase, type Database, runMigrations } from '@relay/database';
import pg from 'pg';
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

const MIGRATIONS = fileURLToPath(new URL('./migrations/postgres', import.meta.url));

/** One multi-row insert, in event order (ordinality), so seq follows the partition's order. */
async function insertMessages(client: pg.PoolClient, messages: readonly ChatMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await client.query(
    `insert into messages (message_id, chat_id, sender_id, client_msg_id, body, sent_at)
     select message_id, chat_id, sender_id, client_msg_id, body, sent_at
       from unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[])
            with ordinality as m(message_id, chat_id, sender_id, client_msg_id, body, sent_at, position)
      order by position
     on conflict (message_id) do nothing`,
    [
      messages.map((m) => m.messageId),
      messages.map((m) => m.chatId),
      messages.map((m) => m.senderId),
      messages.map((m) => m.clientMsgId),
      messages.map((m) => m.body),
      messages.map((m) => m.sentAt),
    ],
  );
}

/**
 * The events in order. Consecutive messages go in as one statement; anything else flushes them
 * first, so every event sees the ones before it.
 */
async function writeEvents(client: pg.PoolClient, events: readonly ChatServiceEvent[]): Promise<void> {
  const pending: ChatMessage[] = [];
  for (const event of events) {
    if (event.type !== 'chat.message.created') await insertMessages(client, pending.splice(0));
    switch (event.type) {
      case 'chat.created': {
        const { chatId, title, createdBy, memberIds } = event.payload;
        await client.query(
          'insert into chats (chat_id, title, created_by, created_at) values ($1, $2, $3, $4) on conflict do nothing',
          [chatId, title, createdBy, event.occurredAt],
        );
        await client.query(
          `insert into chat_members (chat_id, user_id, joined_at)
           select $1, unnest($2::uuid[]), $3 on conflict do nothing`,
          [chatId, memberIds, event.occurredAt],
        );
        break;
      }
      case 'chat.member.added':
        await client.query(
          'insert into chat_members (chat_id, user_id, joined_at) values ($1, $2, $3) on conflict do nothing',
          [event.payload.chatId, event.payload.userId, event.occurredAt],
        );
        break;
      case 'chat.message.created':
        pending.push(event.payload);
        continue;
      case 'chat.message.read': {
        const { chatId, userId, messageId, readAt } = event.payload;
        await client.query(
          `insert into read_positions (chat_id, user_id, message_seq, message_id, read_at)
           select chat_id, $2::uuid, seq, message_id, $4::timestamptz from messages where chat_id = $1 and message_id = $3
           on conflict (chat_id, user_id) do update set
             message_seq = excluded.message_seq, message_id = excluded.message_id, read_at = excluded.read_at
           where excluded.message_seq > read_positions.message_seq`,
          [chatId, userId, messageId, readAt],
        );
        break;
      }
    }
  }
  await insertMessages(client, pending);
}

/**
 * SQLSTATE classes 22 (data exception: a value out of range, malformed or not valid in the
 * encoding) and 23 (integrity constraint violation) are about the rows sent. Anything else
 * (connection lost, pool exhausted, server shutting down, a lock or serialization conflict)
 * is about the server, and the same rows may go in later.
 */
function asRejection(error: unknown): unknown {
  if (error instanceof pg.DatabaseError && error.code !== undefined && /^2[23]/.test(error.code)) {
    return new EventsRejected(error.message, error.code, error);
  }
  return error;
}

const MESSAGE_COLUMNS = 'seq, message_id, chat_id, sender_id, client_msg_id, body, sent_at';

/** The store for scale: several chat-api and chat-consumer processes share it. */
export class PostgresChatStore implements ChatStore {
  readonly #database: Database<Record<string, never>>;
  readonly #pool: pg.Pool;

  private constructor(database: Database<Record<string, never>>) {
    this.#database = database;
    this.#pool = database.pool;
  }

  /**
   * `schema` keeps the chat tables apart (tests use one per run); its migration ledger lives
   * there too. `onIdleError` hears of pooled connections the server dropped (restart, failover).
   */
  static async open(
    url: string,
    schema = 'public',
    onIdleError: (error: Error) => void = () => undefined,
  ): Promise<PostgresChatStore> {
    const database = createDatabase(
      { url, schema, applicationName: `relay-chat:${schema}`, maxConnections: 10, onIdleError },
      {},
    );
    try {
      // schema_migrations is the ledger of the runner this store had before drizzle's.
      await runMigrations(database, MIGRATIONS, {
        ledgerSchema: schema,
        adoptVersionTable: 'schema_migrations',
      });
    } catch (error) {
      await database.close();
      throw error;
    }
    return new PostgresChatStore(database);
  }

  async applyEvents(events: readonly ChatServiceEvent[]): Promise<void> {
    try {
      await this.#database.transaction((client) => writeEvents(client, events));
    } catch (error) {
      throw asRejection(error);
    }
  }

  async isMember(chatId: string, userId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'select 1 from chat_members where chat_id = $1 and user_id = $2',
      [chatId, userId],
    );
    return (rowCount ?? 0) > 0;
  }

  async page(chatId: string, query: PageQuery): Promise<MessagePage | undefined> {
    const cursor = query.after ?? query.before;
    let from = query.after === undefined ? '9223372036854775807' : '0';
    if (cursor !== undefined) {
      const { rows } = await this.#pool.query<{ seq: string }>(
        'select seq from messages where chat_id = $1 and message_id = $2',
        [chatId, cursor],
      );
      if (rows[0] === undefined) return undefined;
      from = rows[0].seq;
    }
    const { rows } = await this.#pool.query<MessageRow>(
      query.after !== undefined
        ? `select ${MESSAGE_COLUMNS} from messages where chat_id = $1 and seq > $2 order by seq asc limit $3`
        : `select ${MESSAGE_COLUMNS} from messages where chat_id = $1 and seq < $2 order by seq desc limit $3`,
      [chatId, from, query.limit],
    );
    return toPage(rows, query);
  }

  async summaries(userId: string): Promise<ChatSummary[]> {
    const { rows } = await this.#pool.query<
      MessageRow & { member_chat_id: string; unread: string; read_message_id: string | null }
    >(
      `select cm.chat_id as member_chat_id, last.*, rp.message_id as read_message_id,
              (select count(*) from messages u
                where u.chat_id = cm.chat_id and u.seq > coalesce(rp.message_seq, 0) and u.sender_id <> $1) as unread
         from chat_members cm
         left join read_positions rp on rp.chat_id = cm.chat_id and rp.user_id = $1
         left join lateral (
           select ${MESSAGE_COLUMNS} from messages m where m.chat_id = cm.chat_id order by seq desc limit 1
         ) last on true
        where cm.user_id = $1
        order by cm.joined_at`,
      [userId],
    );
    return rows.map((row) => ({
      chatId: row.member_chat_id,
      lastMessage: row.message_id === null ? null : toMessage(row),
      unreadCount: Number(row.unread),
      lastReadMessageId: row.read_message_id,
    }));
  }

  async readPositions(chatId: string): Promise<ReadPosition[]> {
    const { rows } = await this.#pool.query<ReadPositionRow>(
      'select user_id, message_id, read_at from read_positions where chat_id = $1 order by user_id',
      [chatId],
    );
    return rows.map(toReadPosition);
  }

  ping(): Promise<void> {
    return this.#database.ping();
  }

  close(): Promise<void> {
    return this.#database.close();
  }
}
