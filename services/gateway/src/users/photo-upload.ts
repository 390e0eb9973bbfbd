import { AppError } from '@relay/platform';
import type { FastifyRequest } from 'fastify';
import { AuthErrorCode, authError } from './auth.errors.ts';

/**
 * The bytes of the one file field `field` of a multipart/form-data request. Size and part limits
 * answer 413 (@fastify/multipart's own errors); anything else the parser throws is the body's fault.
 */
export async function readUploadedFile(
  request: FastifyRequest,
  field: string,
  maxBytes: number,
): Promise<Buffer> {
  if (!request.isMultipart()) throw authError(AuthErrorCode.PhotoMissing);
  try {
    const file = await request.file({ limits: { fileSize: maxBytes, files: 1, fields: 5 } });
    if (file === undefined || file.fieldname !== field) throw authError(AuthErrorCode.PhotoMissing);
    // toBuffer() stops at the configured size limit and rejects with 413.
    return await file.toBuffer();
  } catch (error) {
    throw asClientError(error);
  }
}

/**
 * Busboy reports a malformed body (no boundary, a boundary the body never uses, a body cut short)
 * as a plain Error, which would be a 500: here it becomes a 400 naming what the parser found.
 */
function asClientError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return error;
  const reason = error instanceof Error ? error.message.replace(/\.$/, '') : 'unreadable';
  return authError(
    AuthErrorCode.MultipartMalformed,
    `The multipart/form-data body could not be read (${reason}); send one file field "photo".`,
  );
}
