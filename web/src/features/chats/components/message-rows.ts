import type { RoomMessage } from '../hooks/room-messages.ts';
import { dayKey, dayLabel } from './message-time.ts';

export type MessageRow =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; message: RoomMessage };

/**
 * The log's rows: each message, with a separator where the reader's calendar day changes. A message
 * keeps its key from sending to sent (its sender and clientMsgId), so its row is not re-created.
 */
export function messageRows(messages: readonly RoomMessage[]): MessageRow[] {
  const rows: MessageRow[] = [];
  let day: string | undefined;
  for (const message of messages) {
    const messageDay = dayKey(message.sentAt);
    if (messageDay !== day) {
      day = messageDay;
      rows.push({ kind: 'day', key: `day-${messageDay}`, label: dayLabel(message.sentAt) });
    }
    rows.push({ kind: 'message', key: `${message.senderId}/${message.clientMsgId}`, message });
  }
  return rows;
}
