import type { ChatMessage } from '@relay/contracts';

/**
 * `overdue`: no ack by the resend deadline (the socket still tries; the user may retry now);
 * `failed`: refused for good, or given up when the session ended (its text is kept as the draft).
 */
type DeliveryState = 'sending' | 'overdue' | 'sent' | 'failed';

/** A message as a room shows it: known by its clientMsgId while sending, by its messageId once stored. */
export interface RoomMessage {
  clientMsgId: string;
  messageId: string | undefined;
  senderId: string;
  body: string;
  sentAt: string;
  delivery: DeliveryState;
}

export interface RoomMessagesState {
  /** Oldest first. */
  messages: RoomMessage[];
  /** The cursor for older history: undefined before the first page, null when there is no more. */
  olderCursor: string | null | undefined;
  /** Each reader's last read message: a read covers every message up to it. */
  readUpTo: Readonly<Record<string, string>>;
}

export type RoomMessagesAction =
  | { type: 'history'; messages: readonly ChatMessage[]; olderCursor: string | null }
  | { type: 'sending'; clientMsgId: string; senderId: string; body: string; sentAt: string }
  | { type: 'ack'; clientMsgId: string; messageId: string; sentAt: string }
  | { type: 'failed'; clientMsgId: string }
  /** Its resend deadline passed without an ack. */
  | { type: 'overdue'; clientMsgId: string }
  /** The user asked to retry: every overdue message is on its way again. */
  | { type: 'retrying' }
  | { type: 'received'; message: ChatMessage }
  | { type: 'read'; userId: string; messageId: string }
  /** Stored read positions, fetched with the room: a live read heard meanwhile is newer and stays. */
  | { type: 'reads'; reads: readonly { userId: string; messageId: string }[] }
  /** History is to be loaded afresh: own messages still on their way stay. */
  | { type: 'reload' };

export const emptyRoomMessages: RoomMessagesState = { messages: [], olderCursor: undefined, readUpTo: {} };

const stored = (message: ChatMessage): RoomMessage => ({
  clientMsgId: message.clientMsgId,
  messageId: message.messageId,
  senderId: message.senderId,
  body: message.body,
  sentAt: message.sentAt,
  delivery: 'sent',
});

/**
 * A room's messages. Every path by which a message can arrive twice (history overlapping the live
 * replay, a resend after reconnect heard back, an ack and the message itself) folds into one entry.
 */
export function roomMessages(state: RoomMessagesState, action: RoomMessagesAction): RoomMessagesState {
  switch (action.type) {
    case 'history': {
      const known = new Set(state.messages.map((message) => message.messageId));
      const older = action.messages.filter((message) => !known.has(message.messageId)).map(stored);
      return { ...state, messages: [...older, ...state.messages], olderCursor: action.olderCursor };
    }
    case 'sending':
      if (state.messages.some((message) => message.clientMsgId === action.clientMsgId)) return state;
      return {
        ...state,
        messages: [...state.messages, { ...action, messageId: undefined, delivery: 'sending' }],
      };
    case 'ack':
      return withOwn(state, action.clientMsgId, (message) => ({
        ...message,
        messageId: action.messageId,
        sentAt: action.sentAt,
        delivery: 'sent',
      }));
    case 'failed':
      return withOwn(state, action.clientMsgId, (message) =>
        message.delivery === 'sending' || message.delivery === 'overdue'
          ? { ...message, delivery: 'failed' }
          : message,
      );
    case 'overdue':
      return withOwn(state, action.clientMsgId, (message) =>
        message.delivery === 'sending' ? { ...message, delivery: 'overdue' } : message,
      );
    case 'retrying':
      if (!state.messages.some((message) => message.delivery === 'overdue')) return state;
      return {
        ...state,
        messages: state.messages.map((message) =>
          message.delivery === 'overdue' ? { ...message, delivery: 'sending' } : message,
        ),
      };
    case 'received': {
      const { message } = action;
      if (state.messages.some((known) => known.messageId === message.messageId)) return state;
      const pending = state.messages.find(
        (known) => known.clientMsgId === message.clientMsgId && known.senderId === message.senderId,
      );
      if (pending !== undefined) return withOwn(state, pending.clientMsgId, () => stored(message));
      return { ...state, messages: [...state.messages, stored(message)] };
    }
    case 'read':
      return { ...state, readUpTo: { ...state.readUpTo, [action.userId]: action.messageId } };
    case 'reads': {
      const stored = Object.fromEntries(action.reads.map((read) => [read.userId, read.messageId]));
      return { ...state, readUpTo: { ...stored, ...state.readUpTo } };
    }
    case 'reload':
      return {
        ...state,
        messages: state.messages.filter((message) => message.delivery !== 'sent'),
        olderCursor: undefined,
      };
  }
}

function withOwn(
  state: RoomMessagesState,
  clientMsgId: string,
  change: (message: RoomMessage) => RoomMessage,
): RoomMessagesState {
  const index = state.messages.findIndex((message) => message.clientMsgId === clientMsgId);
  if (index === -1) return state;
  const messages = state.messages.slice();
  messages[index] = change(messages[index] as RoomMessage);
  return { ...state, messages };
}

/** How many people other than its sender have read each message, by messageId. */
export function readCounts(state: RoomMessagesState): ReadonlyMap<string, number> {
  const positions = new Map(state.messages.map((message, index) => [message.messageId, index]));
  const counts = new Map<string, number>();
  for (const [reader, lastRead] of Object.entries(state.readUpTo)) {
    const upTo = positions.get(lastRead);
    if (upTo === undefined) continue;
    for (const message of state.messages.slice(0, upTo + 1))
      if (message.messageId !== undefined && message.senderId !== reader)
        counts.set(message.messageId, (counts.get(message.messageId) ?? 0) + 1);
  }
  return counts;
}
