import type { RoomMessage } from '../hooks/room-messages.ts';
import { dayKey, dayLabel } from './message-time.ts';

export type MessageRow =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: string }
  | {
      kind: 'message';
      key: string;
      message: RoomMessage;
      /** First of a run by one sender: the run shows its name and avatar once, here. */
      startsGroup: boolean;
      /** The newest own message: the only one that says "Sent" or "Read by N". */
      lastOwn: boolean;
    };

/** Messages of one sender this close to the one before them continue its group, as in Slack. */
const GROUP_WITHIN_MS = 5 * 60_000;

export const UNREAD_ROW_KEY = 'unread';

/** A message keeps its key from sending to sent (its sender and clientMsgId), so its row is not re-created. */
export const messageKey = (message: RoomMessage): string => `${message.senderId}/${message.clientMsgId}`;

interface RowOptions {
  myUserId: string | undefined;
  /** The message the "New messages" line goes above. */
  firstUnreadKey?: string | undefined;
}

const continues = (previous: RoomMessage | undefined, message: RoomMessage): boolean =>
  previous !== undefined &&
  previous.senderId === message.senderId &&
  Date.parse(message.sentAt) - Date.parse(previous.sentAt) <= GROUP_WITHIN_MS;

/**
 * The log's rows: each message, a separator where the reader's calendar day changes, and the
 * "New messages" line; a separator or the line always starts a new group.
 */
export function messageRows(messages: readonly RoomMessage[], options: RowOptions): MessageRow[] {
  const rows: MessageRow[] = [];
  const lastOwn = messages.findLast((message) => message.senderId === options.myUserId);
  let day: string | undefined;
  let previous: RoomMessage | undefined;
  for (const message of messages) {
    const messageDay = dayKey(message.sentAt);
    const key = messageKey(message);
    let broken = false;
    if (messageDay !== day) {
      day = messageDay;
      rows.push({ kind: 'day', key: `day-${messageDay}`, label: dayLabel(message.sentAt) });
      broken = true;
    }
    if (key === options.firstUnreadKey) {
      rows.push({ kind: 'unread', key: UNREAD_ROW_KEY });
      broken = true;
    }
    rows.push({
      kind: 'message',
      key,
      message,
      startsGroup: broken || !continues(previous, message),
      lastOwn: message === lastOwn,
    });
    previous = message;
  }
  return rows;
}

/**
 * Where the "New messages" line goes: above the oldest of the `unread` newest messages from others
 * (or above the oldest loaded one, when more are unread than loaded); nowhere without unread.
 */
export function firstUnreadKey(
  messages: readonly RoomMessage[],
  unread: number,
  myUserId: string | undefined,
): string | undefined {
  if (unread <= 0) return undefined;
  const fromOthers = messages.filter((message) => message.senderId !== myUserId);
  const first = fromOthers[Math.max(0, fromOthers.length - unread)];
  return first === undefined ? undefined : messageKey(first);
}
