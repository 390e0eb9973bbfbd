import { NOT_A_MEMBER } from '@relay/contracts';
import { AppError } from '@relay/platform';

export const ChatErrorCode = {
  NotAMember: NOT_A_MEMBER,
  UnknownMembers: 'unknown_members',
  HistoryUnavailable: 'chat_history_unavailable',
} as const;

export const notAMember = () =>
  new AppError({
    code: ChatErrorCode.NotAMember,
    status: 403,
    title: 'Forbidden',
    detail: 'You are not a member of this chat.',
  });

export const unknownMembers = (emails: readonly string[]) =>
  new AppError({
    code: ChatErrorCode.UnknownMembers,
    status: 422,
    title: 'Unprocessable Content',
    detail: `No active account for: ${emails.join(', ')}.`,
    errors: emails.map((email) => ({ path: 'memberEmails', message: `no active account for ${email}` })),
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
