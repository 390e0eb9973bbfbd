import type { ChatMessage, ChatServiceEvent, ChatSummary, MessagePage, ReadPosition } from '@relay/contracts';

/** At most one cursor: the newest page without one, older than `before`, newer than `after`. */
export interface PageQuery {
  before?: string | undefined;
  after?: string | undefined;
  limit: number;
}

/**
 * Messages, memberships and read positions of the chat service, fed only by `chat_service`
 * events. Two implementations (SQLite, PostgreSQL) behave the same and share one test suite.
 */
export interface ChatStore {
  /**
   * Applies a batch in one transaction; applying it again changes nothing. Throws EventsRejected
   * when the store refuses the batch for what it holds; any other error means the store could not
   * do it now (unreachable, busy, failing) and the same batch may well go in later.
   */
  applyEvents(events: readonly ChatServiceEvent[]): Promise<void>;
  isMember(chatId: string, userId: string): Promise<boolean>;
  /** A page of messages oldest first; undefined when the cursor is no message of this chat. */
  page(chatId: string, query: PageQuery): Promise<MessagePage | undefined>;
  summaries(userId: string): Promise<ChatSummary[]>;
  /** Every member's read position in the chat (members who never read have none). */
  readPositions(chatId: string): Promise<ReadPosition[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The store refused events for their content: a value it cannot hold, a constraint they break.
 * Applying them again fails the same way, so they must be set aside, not retried forever.
 */
export class EventsRejected extends Error {
  /** The driver's code for the refusal: a PostgreSQL SQLSTATE, an SQLite result code name. */
  readonly code: string;

  constructor(message: string, code: string, cause: unknown) {
    super(message, { cause });
    this.name = 'EventsRejected';
    this.code = code;
  }
}

/** A row as both stores read it. */
export interface MessageRow {
  seq: number | string | bigint;
  message_id: string;
  chat_id: string;
  sender_id: string;
  client_msg_id: string;
  body: string;
  sent_at: string | Date;
}

export function toMessage(row: MessageRow): ChatMessage {
  return {
    messageId: row.message_id,
    chatId: row.chat_id,
    senderId: row.sender_id,
    clientMsgId: row.client_msg_id,
    body: row.body,
    sentAt: row.sent_at instanceof Date ? row.sent_at.toISOString() : row.sent_at,
  };
}

export interface ReadPositionRow {
  user_id: string;
  message_id: string;
  read_at: string | Date;
}

export function toReadPosition(row: ReadPositionRow): ReadPosition {
  const readAt = row.read_at instanceof Date ? row.read_at.toISOString() : row.read_at;
  return { userId: row.user_id, messageId: row.message_id, readAt };
}

/** Pages are fetched newest-first for `before`; this puts them back in reading order. */
export function toPage(rows: MessageRow[], query: PageQuery): MessagePage {
  const full = rows.length === query.limit;
  if (query.after !== undefined) {
    return { messages: rows.map(toMessage), nextCursor: full ? (rows.at(-1)?.message_id ?? null) : null };
  }
  const ordered = [...rows].reverse();
  return { messages: ordered.map(toMessage), nextCursor: full ? (ordered[0]?.message_id ?? null) : null };
}
