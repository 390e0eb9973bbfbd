import type { IncomingMessage } from 'node:http';
import {
  Conversion,
  ConversionDownloadLink,
  ConversionFormats,
  ConversionPage,
  ConversionPageQuery,
  ConversionParams,
  ConversionUploadFields,
} from '@relay/contracts';
import {
  type Authenticate,
  bearerToken,
  CommonErrorCode,
  type HttpApp,
  multipartBody,
  noContent,
  problemResponses,
} from '@relay/platform';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { relayResponse, searchParams } from '../service-client.ts';
import { AuthErrorCode } from '../users/auth.errors.ts';
import {
  ConversionErrorCode,
  ConvertApiCode,
  multipartRequired,
  uploadTooLarge,
} from './conversions.errors.ts';
import type { ConvertApiClient } from './convert-api.client.ts';

/** Ids only: `formats` is no id, so DELETE /api/conversions/formats is a 405, not a 400 for a bad id. */
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export interface ConversionRouteDeps {
  authenticate: Authenticate;
  convertApi: ConvertApiClient;
  /** The largest file accepted; convert-api checks the file itself, the gateway the whole body. */
  maxUploadBytes: number;
}

/** Room for the multipart envelope around the files: boundaries, part headers and the option fields. */
const MULTIPART_ENVELOPE_BYTES = 64 * 1024;

const tags = ['conversions'];
const security = [{ bearerAuth: [] }];
const revoked = [AuthErrorCode.TokenRevoked];
const unavailable = [ConversionErrorCode.ConversionsUnavailable];
const notFound = [ConvertApiCode.NotFound];
/** A path segment that is no job id names nothing: the platform's own 404. */
const noSuchJob = [ConvertApiCode.NotFound, CommonErrorCode.NotFound];

/** convert-api's fields (one schema for both documents); it validates them and counts the files. */
const UploadBody = multipartBody(
  ConversionUploadFields.extend({
    file: z
      .array(z.file())
      .min(1)
      .describe(
        'One "file" part; with merge=true several (at most CONVERT_MERGE_MAX_FILES, 20 by default), joined in the order sent. More answer 400 too_many_files.',
      ),
  }),
);

export function registerConversionRoutes(
  app: HttpApp,
  { authenticate, convertApi, maxUploadBytes }: ConversionRouteDeps,
): void {
  const maxBodyBytes = maxUploadBytes + MULTIPART_ENVELOPE_BYTES;
  const tokenOf = async (request: FastifyRequest): Promise<string> => {
    await authenticate(request);
    return bearerToken(request.headers.authorization) ?? '';
  };

  app.post(
    '/api/conversions',
    {
      // After the platform's token check, before any body parser runs: a body refused here is never read.
      onRequest: async (request) => {
        if (!request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data'))
          throw multipartRequired();
        if (Number(request.headers['content-length'] ?? 0) > maxBodyBytes)
          throw uploadTooLarge(maxUploadBytes);
      },
      schema: {
        tags,
        security,
        description: `multipart/form-data: "target"; optional "pdfa" (1b, 2b, 3b), "pdfua", "pages", "password", "merge"; then "file" (several with merge=true), at most ${maxUploadBytes} bytes of files in all. Each file's type is detected from its content; GET /api/conversions/formats lists the valid targets. A malformed option is 400 option_invalid naming the field; one that cannot apply to the file or target is 422 option_unsupported. Answers 202 with the queued job; its status then arrives on /ws as "conversion.status" frames.`,
        consumes: ['multipart/form-data'],
        body: UploadBody,
        response: {
          202: Conversion,
          ...problemResponses({
            400: [
              ConvertApiCode.UploadMissing,
              ConvertApiCode.UploadMalformed,
              ConvertApiCode.OptionInvalid,
              ConvertApiCode.TooManyFiles,
            ],
            401: revoked,
            413: [ConversionErrorCode.UploadTooLarge],
            415: [ConvertApiCode.UnsupportedFormat, ConvertApiCode.FormatMismatch],
            422: [
              ConvertApiCode.UnsupportedConversion,
              ConvertApiCode.ArchiveTooLarge,
              ConvertApiCode.ArchiveInvalid,
              ConvertApiCode.OptionUnsupported,
            ],
            429: [ConvertApiCode.TooManyConversions],
            503: unavailable,
          }),
        },
      },
    },
    async (request, reply) => {
      const accessToken = await tokenOf(request);
      const failed = new AbortController();
      const upstream = await convertApi.upload(accessToken, {
        contentType: request.headers['content-type'] ?? '',
        body: bodyUpTo(request.raw, maxBodyBytes, () => uploadTooLarge(maxUploadBytes), failed),
        signal: failed.signal,
      });
      // convert-api refused before reading it all: the rest is not read either.
      if (!request.raw.complete) reply.header('connection', 'close');
      return relayResponse(reply, upstream);
    },
  );

  app.get(
    '/api/conversions',
    {
      schema: {
        tags,
        security,
        description:
          "The caller's jobs, newest first; `before` (a page's nextCursor: the id of its last job) pages back. A `before` that is none of the caller's jobs is a 404.",
        querystring: ConversionPageQuery,
        response: {
          200: ConversionPage,
          ...problemResponses({ 401: revoked, 404: notFound, 503: unavailable }),
        },
      },
    },
    async (request, reply) =>
      relayResponse(reply, await convertApi.list(await tokenOf(request), searchParams(request.query))),
  );

  // Static, so it is matched before `:id` (find-my-way prefers static segments).
  app.get(
    '/api/conversions/formats',
    {
      schema: {
        tags,
        description: 'The targets each source format converts to, and the largest upload accepted.',
        response: { 200: ConversionFormats, ...problemResponses({ 503: unavailable }) },
      },
    },
    async (_request, reply) => relayResponse(reply, await convertApi.formats()),
  );

  app.get(
    `/api/conversions/:id(${UUID})`,
    {
      schema: {
        tags,
        security,
        params: ConversionParams,
        response: {
          200: Conversion,
          ...problemResponses({ 401: revoked, 404: noSuchJob, 503: unavailable }),
        },
      },
    },
    async (request, reply) =>
      relayResponse(reply, await convertApi.get(await tokenOf(request), request.params.id)),
  );

  app.get(
    `/api/conversions/:id(${UUID})/download`,
    {
      schema: {
        tags,
        security,
        description:
          'Redirects to the result: a presigned URL valid a few minutes, saved under the original name with the new extension. With `Accept: application/json` the same link comes back as `{url}` (a page cannot read a cross-origin redirect; it navigates to the link instead).',
        params: ConversionParams,
        response: {
          200: ConversionDownloadLink,
          302: noContent('Found: Location is the short-lived download URL.'),
          ...problemResponses({
            401: revoked,
            404: noSuchJob,
            409: [ConvertApiCode.NotReady],
            503: unavailable,
          }),
        },
      },
    },
    async (request, reply) => {
      const answer = await convertApi.download(await tokenOf(request), request.params.id);
      const link = answer.status === 302 ? answer.headers.get('location') : null;
      if (link !== null && wantsJson(request.headers.accept)) {
        await answer.body?.cancel();
        return reply.header('cache-control', 'no-store').send({ url: link });
      }
      return relayResponse(reply, answer);
    },
  );

  app.get(
    `/api/conversions/:id(${UUID})/thumbnail`,
    {
      schema: {
        tags,
        security,
        description:
          "The result's first page as a WebP image at most 320 px wide, for the job's `thumbnailPath` (set when done, for PDF and image results). Streamed with the bearer token rather than a link, so a page fetches it as a blob; cacheable privately.",
        params: ConversionParams,
        response: {
          200: { description: 'The image.', content: { 'image/webp': { schema: z.file() } } },
          ...problemResponses({
            401: revoked,
            404: [...noSuchJob, ConvertApiCode.ThumbnailUnavailable],
            409: [ConvertApiCode.NotReady],
            503: unavailable,
          }),
        },
      },
    },
    async (request, reply) =>
      relayResponse(reply, await convertApi.thumbnail(await tokenOf(request), request.params.id)),
  );

  app.delete(
    `/api/conversions/:id(${UUID})`,
    {
      schema: {
        tags,
        security,
        description: 'Deletes the job with its original and its result.',
        params: ConversionParams,
        response: {
          204: noContent('Deleted.'),
          ...problemResponses({ 401: revoked, 404: noSuchJob, 503: unavailable }),
        },
      },
    },
    async (request, reply) =>
      relayResponse(reply, await convertApi.delete(await tokenOf(request), request.params.id)),
  );
}

/**
 * The request body as it arrives, for streaming on; past `maxBytes` it fails with `tooLarge()`.
 * Its own failures (too large, the client gone) abort `failed`, so they are the answer rather than
 * "convert-api unavailable". The request is not destroyed: its socket still carries the 413.
 */
async function* bodyUpTo(
  request: IncomingMessage,
  maxBytes: number,
  tooLarge: () => Error,
  failed: AbortController,
): AsyncGenerator<Uint8Array> {
  let received = 0;
  try {
    for await (const chunk of request.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      received += chunk.byteLength;
      if (received > maxBytes) throw tooLarge();
      yield chunk;
    }
  } catch (error) {
    failed.abort(error);
    throw error;
  }
}

/** A client that names JSON and not a redirect target (browsers navigating send text/html). */
function wantsJson(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*application\/json\b/.test(accept) && !accept.includes('text/html');
}
