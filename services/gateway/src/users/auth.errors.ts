import { AppError, invalidTokenError } from '@relay/platform';

export const AuthErrorCode = {
  InvalidCredentials: 'invalid_credentials',
  AccountNotActivated: 'account_not_activated',
  ActivationTokenUnknown: 'activation_token_unknown',
  ActivationTokenExpired: 'activation_token_expired',
  ActivationTokenUsed: 'activation_token_used',
  ResetTokenUnknown: 'reset_token_unknown',
  ResetTokenExpired: 'reset_token_expired',
  ResetTokenUsed: 'reset_token_used',
  RefreshTokenMissing: 'refresh_token_missing',
  RefreshTokenInvalid: 'refresh_token_invalid',
  RefreshTokenReused: 'refresh_token_reused',
  TokenRevoked: 'token_revoked',
  PhotoInvalid: 'photo_invalid',
  PhotoMissing: 'photo_missing',
  PhotoTooLarge: 'photo_too_large',
  MultipartMalformed: 'multipart_malformed',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

interface ErrorDetails {
  status: number;
  title: string;
  detail: string;
  /** A refused bearer token: answered with the RFC 6750 `invalid_token` challenge. */
  bearer?: true;
}

const DETAILS: Record<AuthErrorCode, ErrorDetails> = {
  invalid_credentials: { status: 401, title: 'Unauthorized', detail: 'The e-mail or password is wrong.' },
  account_not_activated: {
    status: 403,
    title: 'Forbidden',
    detail: 'Activate your account with the link we e-mailed you first, or ask for a new link.',
  },
  activation_token_unknown: {
    status: 400,
    title: 'Bad Request',
    detail: 'This activation link is not valid.',
  },
  activation_token_expired: {
    status: 410,
    title: 'Gone',
    detail: 'This activation link has expired; ask for a new one.',
  },
  activation_token_used: { status: 409, title: 'Conflict', detail: 'This activation link was already used.' },
  reset_token_unknown: {
    status: 400,
    title: 'Bad Request',
    detail: 'This password reset link is not valid.',
  },
  reset_token_expired: { status: 410, title: 'Gone', detail: 'This password reset link has expired.' },
  reset_token_used: { status: 409, title: 'Conflict', detail: 'This password reset link was already used.' },
  refresh_token_missing: { status: 401, title: 'Unauthorized', detail: 'No session: log in again.' },
  refresh_token_invalid: {
    status: 401,
    title: 'Unauthorized',
    detail: 'The session has ended: log in again.',
  },
  refresh_token_reused: {
    status: 401,
    title: 'Unauthorized',
    detail: 'This session was used twice, so every session of it was ended: log in again.',
  },
  token_revoked: {
    status: 401,
    title: 'Unauthorized',
    detail: 'The session of this access token has ended (logout or password reset): log in again.',
    bearer: true,
  },
  photo_invalid: {
    status: 415,
    title: 'Unsupported Media Type',
    detail: 'The photo must be a PNG, JPEG or WebP.',
  },
  photo_missing: {
    status: 400,
    title: 'Bad Request',
    detail: 'Send the photo as the multipart field "photo".',
  },
  photo_too_large: {
    status: 422,
    title: 'Unprocessable Content',
    detail: 'The photo has too many pixels for a profile photo.',
  },
  multipart_malformed: {
    status: 400,
    title: 'Bad Request',
    detail: 'The multipart/form-data body could not be read.',
  },
};

export function authError(code: AuthErrorCode, detail?: string): AppError {
  const known = DETAILS[code];
  if (known.bearer) return invalidTokenError(code, detail ?? known.detail);
  return new AppError({ code, status: known.status, title: known.title, detail: detail ?? known.detail });
}
