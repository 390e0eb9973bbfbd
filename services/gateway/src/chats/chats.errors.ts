import { NOT_A_MEMBER } from '@relay/contracts';
import { CommonErrorCode, commonError, errorTable } from '@relay/platform';

export const ChatErrorCode = {
  NotAMember: NOT_A_MEMBER,
  HistoryUnavailable: 'chat_history_unavailable',
  ClientMsgIdReused: 'client_msg_id_reused',
  UnknownMessage: 'unknown_message',
} as const;
export type ChatErrorCode = (typeof ChatErrorCode)[keyof typeof ChatErrorCode];

declare module '@relay/platform' {
  interface ErrorCodes extends Record<ChatErrorCode, true> {}
}

const chatErrors = errorTable<ChatErrorCode>({
  not_a_member: { status: 403, detail: 'You are not a member of this chat.' },
  chat_history_unavailable: {
    status: 503,
    detail: 'Chat history is unavailable right now; live messages still work. Try again shortly.',
    headers: { 'retry-after': '5' },
  },
  client_msg_id_reused: {
    status: 409,
    detail: 'This clientMsgId already names another message in this chat; send this one with a new id.',
  },
  unknown_message: {
    status: 400,
    detail:
      'No such message in this chat to replay from; subscribe without afterMessageId and load the history.',
  },
});

export const notAMember = () => chatErrors(ChatErrorCode.NotAMember);

export const historyUnavailable = (cause?: unknown) =>
  chatErrors(ChatErrorCode.HistoryUnavailable, { cause });

export const clientMsgIdReused = (clientMsgId: string) =>
  chatErrors(ChatErrorCode.ClientMsgIdReused, {
    detail: `clientMsgId ${JSON.stringify(clientMsgId)} already names another message in this chat; send this one with a new id.`,
  });

export const unknownMessage = (messageId: string) =>
  chatErrors(ChatErrorCode.UnknownMessage, {
    detail: `No message ${JSON.stringify(messageId)} in this chat to replay from; subscribe without afterMessageId and load the history.`,
  });

/** Kafka or Redis did not take the message in time: the client sends it again (same clientMsgId). */
export const messageUnavailable = (detail: string, cause?: unknown) =>
  commonError(CommonErrorCode.DependencyUnavailable, { detail, cause });
