import { ConversionProblemCode } from '@relay/contracts';
import { CommonErrorCode, commonError, errorTable } from '@relay/platform';

export const ConversionErrorCode = {
  /** convert-api's code for the same refusal, so a client handles one code wherever it is refused. */
  UploadTooLarge: ConversionProblemCode.UploadTooLarge,
  ConversionsUnavailable: 'conversions_unavailable',
} as const;
export type ConversionErrorCode = (typeof ConversionErrorCode)[keyof typeof ConversionErrorCode];

declare module '@relay/platform' {
  interface ErrorCodes extends Record<ConversionErrorCode, true> {}
}

/** convert-api's own refusals, relayed as it answered them; named here for the OpenAPI document. */
export const ConvertApiCode = ConversionProblemCode;

const conversionErrors = errorTable<ConversionErrorCode>({
  upload_too_large: { status: 413, detail: 'The upload is larger than the largest file accepted.' },
  conversions_unavailable: {
    status: 503,
    detail: 'File conversion is unavailable right now; try again shortly.',
    headers: { 'retry-after': '5' },
  },
});

/** Both refuse before the body is read in full: the rest is never read, so the connection closes. */
export const uploadTooLarge = (maxBytes: number) =>
  conversionErrors(ConversionErrorCode.UploadTooLarge, {
    detail: `Files of at most ${maxBytes} bytes (${(maxBytes / 1024 / 1024).toFixed(0)} MiB) are accepted; for a merge, all files together.`,
    headers: { connection: 'close' },
  });

export const conversionsUnavailable = (cause?: unknown) =>
  conversionErrors(ConversionErrorCode.ConversionsUnavailable, { cause });

export const multipartRequired = () =>
  commonError(CommonErrorCode.UnsupportedMediaType, {
    detail:
      'Send multipart/form-data with the field "target", the optional options and one or more "file" parts.',
    headers: { connection: 'close' },
  });
