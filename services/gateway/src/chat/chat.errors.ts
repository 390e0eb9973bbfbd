import { NOT_A_MEMBER } from '@relay/contracts';
import { AppError, CommonErrorCode } from '@relay/platform';

export const ChatErrorCode = {
  NotAMember: NOT_A_MEMBER,
  HistoryUnavailable: 'chat_history_unavailable',
  ClientMsgIdReused: 'client_msg_id_reused',
  UnknownMessage: 'unknown_message',
} as const;

export const notAMember = () =>
  new AppError({
    code: ChatErrorCode.NotAMember,
    status: 403,
    title: 'Forbidden',
    detail: 'You are not a member of this chat.',
  });

export const historyUnavailable = (cause?: unknown) =>
  new AppError({
    code: ChatErrorCode.HistoryUnavailable,
    status: 503,
    title: 'Service Unavailable',
    detail: 'Chat history is unavailable right now; live messages still work. Try again shortly.',
    headers: { 'retry-after': '5' },
    cause,
  });

export const unknownMessage = (messageId: string) =>
  new AppError({
    code: ChatErrorCode.UnknownMessage,
    status: 400,
    title: 'Bad Request',
    detail: `No message ${JSON.stringify(messageId)} in this chat to replay from; subscribe without afterMessageId and load the history.`,
  });

export const clientMsgIdReused = (clientMsgId: string) =>
  new AppError({
    code: ChatErrorCode.ClientMsgIdReused,
    status: 409,
    title: 'Conflict',
    detail: `clientMsgId ${JSON.stringify(clientMsgId)} already names another message in this chat; send this one with a new id.`,
  });

/** Kafka or Redis did not take the message in time: the client sends it again (same clientMsgId). */
export const messageUnavailable = (detail: string, cause?: unknown) =>
  new AppError({
    code: CommonErrorCode.DependencyUnavailable,
    status: 503,
    title: 'Service Unavailable',
    detail,
    cause,
  });
