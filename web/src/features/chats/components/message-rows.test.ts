import { describe, expect, it } from 'vitest';
import type { RoomMessage } from '../hooks/room-messages.ts';
import { firstUnreadKey, type MessageRow, messageKey, messageRows } from './message-rows.ts';

const ME = 'me';
const BOB = 'bob';
const CAROL = 'carol';

let n = 0;
function message(senderId: string, sentAt: string, delivery: RoomMessage['delivery'] = 'sent'): RoomMessage {
  n += 1;
  return { clientMsgId: `c${n}`, messageId: `m${n}`, senderId, body: `body ${n}`, sentAt, delivery };
}

/** Each row as a short string: "day", "unread", or "<sender>[+]" where + starts a group, ! is the last own. */
const shape = (rows: readonly MessageRow[]) =>
  rows.map((row) =>
    row.kind === 'message'
      ? `${row.message.senderId}${row.startsGroup ? '+' : ''}${row.lastOwn ? '!' : ''}`
      : row.kind,
  );

describe('messageRows', () => {
  it('groups a sender’s consecutive messages within five minutes under one name', () => {
    const rows = messageRows(
      [
        message(BOB, '2026-11-25T10:00:00Z'),
        message(BOB, '2026-11-25T10:01:00Z'),
        message(BOB, '2026-11-25T10:05:59Z'),
        // Over five minutes after the one before: a new group though the sender is the same.
        message(BOB, '2026-11-25T10:11:30Z'),
        message(CAROL, '2026-11-25T10:11:40Z'),
        message(BOB, '2026-11-25T10:11:50Z'),
      ],
      { myUserId: ME },
    );
    expect(shape(rows)).toEqual(['day', 'bob+', 'bob', 'bob', 'bob+', 'carol+', 'bob+']);
  });

  it('starts a new group after a day separator and after the new-messages line', () => {
    const late = message(BOB, '2026-11-25T23:59:00');
    const early = message(BOB, '2026-11-26T00:01:00');
    const unread = message(BOB, '2026-11-26T00:02:00');
    const rows = messageRows([late, early, unread], { myUserId: ME, firstUnreadKey: messageKey(unread) });
    expect(shape(rows)).toEqual(['day', 'bob+', 'day', 'bob+', 'unread', 'bob+']);
  });

  it('marks only the newest own message to carry "Sent" or "Read by"', () => {
    const rows = messageRows(
      [
        message(ME, '2026-11-25T10:00:00Z'),
        message(ME, '2026-11-25T10:00:10Z'),
        message(BOB, '2026-11-25T10:00:20Z'),
        message(ME, '2026-11-25T10:00:30Z'),
        message(BOB, '2026-11-25T10:00:40Z'),
      ],
      { myUserId: ME },
    );
    expect(shape(rows)).toEqual(['day', 'me+', 'me', 'bob+', 'me+!', 'bob+']);
  });

  it('marks no own message when there is none', () => {
    const rows = messageRows([message(BOB, '2026-11-25T10:00:00Z')], { myUserId: ME });
    expect(rows.some((row) => row.kind === 'message' && row.lastOwn)).toBe(false);
  });
});

describe('firstUnreadKey', () => {
  const history = [
    message(BOB, '2026-11-25T10:00:00Z'),
    message(ME, '2026-11-25T10:01:00Z'),
    message(BOB, '2026-11-25T10:02:00Z'),
    message(ME, '2026-11-25T10:03:00Z'),
    message(CAROL, '2026-11-25T10:04:00Z'),
  ];

  it('puts the line above the oldest of the N newest messages from others, skipping own ones', () => {
    expect(firstUnreadKey(history, 1, ME)).toBe(messageKey(history[4] as RoomMessage));
    expect(firstUnreadKey(history, 2, ME)).toBe(messageKey(history[2] as RoomMessage));
  });

  it('puts it above the oldest loaded message from others when more are unread than loaded', () => {
    expect(firstUnreadKey(history, 50, ME)).toBe(messageKey(history[0] as RoomMessage));
  });

  it('shows no line when nothing is unread', () => {
    expect(firstUnreadKey(history, 0, ME)).toBeUndefined();
    expect(firstUnreadKey([], 3, ME)).toBeUndefined();
  });
});
