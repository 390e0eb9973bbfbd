import { NOT_A_MEMBER } from '@relay/contracts';
import { AppError } from '@relay/platform';

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
