import { NOT_A_MEMBER, UNKNOWN_CURSOR } from '@relay/contracts';
import { AppError, CommonErrorCode } from '@relay/platform';

export const ChatErrorCode = {
  NotAMember: NOT_A_MEMBER,
  UnknownCursor: UNKNOWN_CURSOR,
} as const;

/** Also the answer for a chat that does not exist: a non-member learns nothing, not even that. */
export const notAMember = () =>
  new AppError({
    code: ChatErrorCode.NotAMember,
    status: 403,
    title: 'Forbidden',
    detail: 'You are not a member of this chat.',
  });

export const unknownCursor = (cursor: string) =>
  new AppError({
    code: ChatErrorCode.UnknownCursor,
    status: 400,
    title: 'Bad Request',
    detail: `No message ${cursor} in this chat to page from.`,
  });

export const conflictingCursors = () =>
  new AppError({
    code: CommonErrorCode.ValidationFailed,
    status: 400,
    title: 'Bad Request',
    detail: 'Give "before" or "after", not both.',
  });
