import type { ChatMessage } from '@relay/contracts';
import { describe, expect, it } from 'vitest';
import {
  emptyRoomMessages,
  type RoomMessagesAction,
  type RoomMessagesState,
  readCounts,
  roomMessages,
} from './room-messages.ts';

const CHAT = '00000000-0000-4000-8000-000000000001';
const ME = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';
const CAROL = '00000000-0000-4000-8000-00000000000c';

const fold = (...actions: RoomMessagesAction[]): RoomMessagesState =>
  actions.reduce(roomMessages, emptyRoomMessages);

const stored = (messageId: string, senderId: string, clientMsgId = `c-${messageId}`): ChatMessage => ({
  chatId: CHAT,
  messageId,
  clientMsgId,
  senderId,
  body: `body of ${messageId}`,
  sentAt: '2026-11-25T10:00:00.000Z',
});

const sending = (clientMsgId: string): RoomMessagesAction => ({
  type: 'sending',
  clientMsgId,
  senderId: ME,
  body: 'hello',
  sentAt: '2026-11-25T10:00:00.000Z',
});
const ack = (clientMsgId: string, messageId: string): RoomMessagesAction => ({
  type: 'ack',
  clientMsgId,
  messageId,
  sentAt: '2026-11-25T10:00:01.000Z',
});

describe('roomMessages', () => {
  it('takes an own message from sending to sent on its ack, then to read by N on receipts', () => {
    let state = fold(sending('c1'));
    expect(state.messages.map((m) => m.delivery)).toEqual(['sending']);

    state = roomMessages(state, ack('c1', 'm1'));
    expect(state.messages).toMatchObject([{ clientMsgId: 'c1', messageId: 'm1', delivery: 'sent' }]);
    expect(readCounts(state).get('m1')).toBeUndefined();

    state = roomMessages(state, { type: 'read', userId: BOB, messageId: 'm1' });
    expect(readCounts(state).get('m1')).toBe(1);
    state = roomMessages(state, { type: 'read', userId: CAROL, messageId: 'm1' });
    expect(readCounts(state).get('m1')).toBe(2);
  });

  it('counts a read of a later message as a read of every earlier one, never by the sender', () => {
    const state = fold(
      {
        type: 'history',
        messages: [stored('m1', ME), stored('m2', BOB), stored('m3', ME)],
        olderCursor: null,
      },
      { type: 'read', userId: BOB, messageId: 'm3' },
      { type: 'read', userId: ME, messageId: 'm3' },
    );
    expect(Object.fromEntries(readCounts(state))).toEqual({ m1: 1, m2: 1, m3: 1 });
  });

  it('keeps a message resent after a reconnect as one message, whichever way it comes back', () => {
    const echoed = stored('m1', ME, 'c1');
    // The resend's echo in the replay, then the (late) ack, then the echo again, then history.
    const state = fold(
      sending('c1'),
      { type: 'received', message: echoed },
      ack('c1', 'm1'),
      { type: 'received', message: echoed },
      { type: 'history', messages: [echoed], olderCursor: null },
      sending('c1'),
    );
    expect(state.messages).toMatchObject([{ clientMsgId: 'c1', messageId: 'm1', delivery: 'sent' }]);
  });

  it('merges older history before what is shown, without repeating the overlap', () => {
    const state = fold(
      { type: 'history', messages: [stored('m3', BOB), stored('m4', BOB)], olderCursor: 'm3' },
      { type: 'received', message: stored('m5', BOB) },
      { type: 'received', message: stored('m5', BOB) },
      {
        type: 'history',
        messages: [stored('m1', BOB), stored('m2', BOB), stored('m3', BOB)],
        olderCursor: null,
      },
    );
    expect(state.messages.map((m) => m.messageId)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(state.olderCursor).toBeNull();
  });

  it('marks a send the server refused for good as failed, but never an acked one', () => {
    const state = fold(
      sending('c1'),
      sending('c2'),
      ack('c2', 'm2'),
      { type: 'failed', clientMsgId: 'c1' },
      {
        type: 'failed',
        clientMsgId: 'c2',
      },
    );
    expect(state.messages.map((m) => m.delivery)).toEqual(['failed', 'sent']);
  });

  it('takes stored read positions for readers it has not heard live, keeping a live one that came first', () => {
    const history: RoomMessagesAction = {
      type: 'history',
      messages: [stored('m1', ME), stored('m2', ME), stored('m3', ME)],
      olderCursor: null,
    };
    const state = fold(
      history,
      { type: 'read', userId: BOB, messageId: 'm3' },
      {
        type: 'reads',
        reads: [
          { userId: BOB, messageId: 'm1' },
          { userId: CAROL, messageId: 'm2' },
        ],
      },
    );
    expect(Object.fromEntries(readCounts(state))).toEqual({ m1: 2, m2: 2, m3: 1 });
  });

  it('on reload keeps only own messages still on their way, in front of the fresh history', () => {
    const state = fold(
      { type: 'history', messages: [stored('m1', BOB), stored('m2', BOB)], olderCursor: 'm1' },
      sending('c9'),
      { type: 'reload' },
      { type: 'history', messages: [stored('m2', BOB), stored('m3', BOB)], olderCursor: 'm2' },
    );
    expect(state.messages.map((m) => m.messageId ?? m.clientMsgId)).toEqual(['m2', 'm3', 'c9']);
    expect(state.olderCursor).toBe('m2');
  });

  it('shows a message un-acked past its deadline as overdue, sending again on retry, sent once acked', () => {
    const overdue = fold(sending('c-1'), sending('c-2'), ack('c-2', 'm-2'), {
      type: 'overdue',
      clientMsgId: 'c-1',
    });
    expect(overdue.messages.map((m) => m.delivery)).toEqual(['overdue', 'sent']);
    // A deadline firing after the ack changes nothing.
    expect(roomMessages(overdue, { type: 'overdue', clientMsgId: 'c-2' }).messages[1]?.delivery).toBe('sent');

    const retried = roomMessages(overdue, { type: 'retrying' });
    expect(retried.messages.map((m) => m.delivery)).toEqual(['sending', 'sent']);
    expect(roomMessages(overdue, ack('c-1', 'm-1')).messages.map((m) => m.delivery)).toEqual([
      'sent',
      'sent',
    ]);
    expect(roomMessages(overdue, { type: 'failed', clientMsgId: 'c-1' }).messages[0]?.delivery).toBe(
      'failed',
    );
  });
});
