import { NOT_A_MEMBER, UNKNOWN_CURSOR } from '@relay/contracts';
import { CommonErrorCode, commonError, errorTable } from '@relay/platform';

export const ChatErrorCode = {
  NotAMember: NOT_A_MEMBER,
  UnknownCursor: UNKNOWN_CURSOR,
} as const;
export type ChatErrorCode = (typeof ChatErrorCode)[keyof typeof ChatErrorCode];

declare module '@relay/platform' {
  interface ErrorCodes extends Record<ChatErrorCode, true> {}
}

const chatErrors = errorTable<ChatErrorCode>({
  // Also the answer for a chat that does not exist: a non-member learns nothing, not even that.
  not_a_member: { status: 403, detail: 'You are not a member of this chat.' },
  unknown_cursor: { status: 400, detail: 'No such message in this chat to page from.' },
});

export const notAMember = () => chatErrors(ChatErrorCode.NotAMember);

export const unknownCursor = (cursor: string) =>
  chatErrors(ChatErrorCode.UnknownCursor, { detail: `No message ${cursor} in this chat to page from.` });

export const conflictingCursors = () =>
  commonError(CommonErrorCode.ValidationFailed, { detail: 'Give "before" or "after", not both.' });
