import { type AppError, errorTable, invalidTokenError } from '@relay/platform';

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

declare module '@relay/platform' {
  interface ErrorCodes extends Record<AuthErrorCode, true> {}
}

const authErrors = errorTable<AuthErrorCode>({
  invalid_credentials: { status: 401, detail: 'The e-mail or password is wrong.' },
  account_not_activated: {
    status: 403,
    detail: 'Activate your account with the link we e-mailed you first, or ask for a new link.',
  },
  activation_token_unknown: {
    status: 400,
    detail: 'This activation link is not valid.',
  },
  activation_token_expired: {
    status: 410,
    detail: 'This activation link has expired; ask for a new one.',
  },
  activation_token_used: { status: 409, detail: 'This activation link was already used.' },
  reset_token_unknown: {
    status: 400,
    detail: 'This password reset link is not valid.',
  },
  reset_token_expired: { status: 410, detail: 'This password reset link has expired.' },
  reset_token_used: { status: 409, detail: 'This password reset link was already used.' },
  refresh_token_missing: { status: 401, detail: 'No session: log in again.' },
  refresh_token_invalid: {
    status: 401,
    detail: 'The session has ended: log in again.',
  },
  refresh_token_reused: {
    status: 401,
    detail: 'This session was used twice, so every session of it was ended: log in again.',
  },
  token_revoked: {
    status: 401,
    detail: 'The session of this access token has ended (logout or password reset): log in again.',
  },
  photo_invalid: {
    status: 415,
    detail: 'The photo must be a PNG, JPEG or WebP.',
  },
  photo_missing: {
    status: 400,
    detail: 'Send the photo as the multipart field "photo".',
  },
  photo_too_large: {
    status: 422,
    detail: 'The photo has too many pixels for a profile photo.',
  },
  multipart_malformed: {
    status: 400,
    detail: 'The multipart/form-data body could not be read.',
  },
});

export function authError(code: AuthErrorCode, detail?: string): AppError {
  const error = authErrors(code, detail === undefined ? {} : { detail });
  // A refused bearer token is answered with the RFC 6750 `invalid_token` challenge.
  return code === AuthErrorCode.TokenRevoked ? invalidTokenError(error) : error;
}
