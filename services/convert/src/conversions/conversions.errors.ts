import { ConversionProblemCode } from '@relay/contracts';
import { errorTable } from '@relay/platform';
import { PASSWORD_NEEDED } from '../engines/libreoffice/encryption.ts';

export const ConversionErrorCode = ConversionProblemCode;
export type ConversionErrorCode = ConversionProblemCode;

declare module '@relay/platform' {
  interface ErrorCodes extends Record<ConversionErrorCode, true> {}
}

export const conversionError = errorTable<ConversionErrorCode>({
  // Also the answer for another user's job: nobody learns that it exists.
  conversion_not_found: { status: 404, detail: 'No such conversion.' },
  conversion_not_ready: { status: 409, detail: 'The conversion has no result to download yet.' },
  upload_missing: {
    status: 400,
    detail: 'Send multipart/form-data with a "target" field and one file field "file".',
  },
  upload_malformed: { status: 400, detail: 'The multipart/form-data body could not be read.' },
  upload_too_large: { status: 413, detail: 'The file is larger than the upload limit.' },
  unsupported_format: { status: 415, detail: 'This kind of file cannot be converted.' },
  format_mismatch: { status: 415, detail: 'The file is not what its name says.' },
  unsupported_conversion: { status: 422, detail: 'The file cannot be converted to that format.' },
  archive_too_large: { status: 422, detail: 'The document unpacks to more than is allowed.' },
  archive_invalid: { status: 422, detail: 'The document is damaged: its archive cannot be read.' },
  option_invalid: { status: 400, detail: 'An option field has a value that is not allowed.' },
  option_unsupported: { status: 422, detail: 'An option does not apply to this file or target.' },
  too_many_files: {
    status: 400,
    detail: 'Send one file field "file", or several with merge=true to join them into one PDF.',
  },
  // 404, not 409: waiting will not bring one (PDF and image results have one; csv, docx, odt… do not).
  thumbnail_unavailable: {
    status: 404,
    detail: 'This result has no thumbnail: only PDF and image results have a first page to show.',
  },
  too_many_conversions: {
    status: 429,
    detail: 'You have as many conversions waiting as one person may; upload more when some are done.',
  },
});

/** Reasons a job fails with that are not an engine's: shown to the owner as they are. */
export const FailureReason = {
  passwordProtected: PASSWORD_NEEDED,
  interrupted: 'The conversion was interrupted too many times and was given up. Upload the file again.',
  unavailable:
    'The conversion could not be finished because a service it needs did not answer. Upload the file again.',
} as const;
