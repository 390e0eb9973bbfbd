import { DatabaseSync } from 'node:sqlite';

/** Rows and distinct message ids of a chat, read straight from chat-consumer's SQLite store. */
export function chatRows(sqlitePath: string, chatId: string): { rows: number; distinct: number } {
  const db = new DatabaseSync(sqlitePath, { readOnly: true });
  try {
    const row = db
      .prepare('select count(*) as total, count(distinct message_id) as ids from messages where chat_id = ?')
      .get(chatId) as { total: number; ids: number };
    return { rows: Number(row.total), distinct: Number(row.ids) };
  } finally {
    db.close();
  }
}
