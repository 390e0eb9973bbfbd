import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  CONVERSION_TARGETS,
  Conversion,
  ConversionFormats,
  ConversionPage,
  ConversionPageQuery,
  ConversionParams,
  ConversionUploadFields,
  SourceFormat,
  TargetFormat,
} from '@relay/contracts';
import {
  AppError,
  type Authenticate,
  type HttpApp,
  multipartBody,
  noContent,
  problemResponses,
} from '@relay/platform';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseOptionFields } from './conversion-options.ts';
import { ConversionErrorCode, conversionError } from './conversions.errors.ts';
import type { ConversionsService, Submission, UploadedFile } from './conversions.service.ts';

export interface ConversionRouteDeps {
  conversions: ConversionsService;
  authenticate: Authenticate;
  maxUploadBytes: number;
  /** Most files one merge may join (CONVERT_MERGE_MAX_FILES). */
  maxMergeFiles: number;
}

const tags = ['conversions'];
const security = [{ bearerAuth: [] }];
const notFound = problemResponses({ 404: [ConversionErrorCode.NotFound] });

/** A job's thumbnail never changes while it exists. */
const THUMBNAIL_CACHE_SECONDS = 86_400;
const thumbnailDescription =
  'Only PDF and image results have one (`thumbnailPath` of the job is set); any other result answers 404 thumbnail_unavailable.';
const thumbnailResponse = {
  description: 'The image.',
  content: { 'image/webp': { schema: z.file() } },
};

/** The documented body; validated by readUploadForm, whose answers name the field at fault. */
const uploadForm = (maxMergeFiles: number) =>
  ConversionUploadFields.extend({
    file: z
      .array(z.file())
      .min(1)
      .max(maxMergeFiles)
      .describe(`One "file" part; with merge=true up to ${maxMergeFiles}, joined in the order sent.`),
  });

export function registerConversionRoutes(app: HttpApp, deps: ConversionRouteDeps): void {
  const { conversions, authenticate, maxUploadBytes, maxMergeFiles } = deps;

  app.get(
    '/formats',
    {
      schema: {
        tags,
        summary: 'The targets each source format converts to',
        response: { 200: ConversionFormats },
      },
    },
    async () => ({
      formats: SourceFormat.options.map((source) => ({ source, targets: [...CONVERSION_TARGETS[source]] })),
      maxUploadBytes,
      maxMergeFiles,
    }),
  );

  app.post(
    '/conversions',
    {
      schema: {
        tags,
        security,
        summary: 'Upload a document to convert; its real format is read from its content',
        consumes: ['multipart/form-data'],
        description: `Fields: "target"; optional "pdfa", "pdfua", "pages", "password", "merge"; one "file" (several with merge=true, at most ${maxMergeFiles}). At most ${maxUploadBytes} bytes of files in all.`,
        body: multipartBody(uploadForm(maxMergeFiles)),
        response: {
          202: Conversion,
          ...problemResponses({
            400: [
              ConversionErrorCode.UploadMissing,
              ConversionErrorCode.UploadMalformed,
              ConversionErrorCode.OptionInvalid,
              ConversionErrorCode.TooManyFiles,
            ],
            413: [ConversionErrorCode.UploadTooLarge],
            415: [ConversionErrorCode.UnsupportedFormat, ConversionErrorCode.FormatMismatch],
            422: [
              ConversionErrorCode.UnsupportedConversion,
              ConversionErrorCode.ArchiveTooLarge,
              ConversionErrorCode.ArchiveInvalid,
              ConversionErrorCode.OptionUnsupported,
            ],
            429: [ConversionErrorCode.TooManyConversions],
          }),
        },
      },
    },
    async (request, reply) => {
      const { sub } = await authenticate(request);
      const dir = await mkdtemp(join(tmpdir(), 'relay-upload-'));
      try {
        const form = await readUploadForm(request, dir, { maxBytes: maxUploadBytes, maxMergeFiles });
        const conversion = await conversions.submit(sub, form);
        return reply.code(202).send(conversion);
      } catch (error) {
        // Refused before the body was read to its end: the rest is not read, so the connection closes.
        if (!request.raw.complete) reply.header('connection', 'close');
        throw error;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/conversions',
    {
      schema: {
        tags,
        security,
        summary: "The caller's conversions, newest first",
        querystring: ConversionPageQuery,
        response: { 200: ConversionPage, ...notFound },
      },
    },
    async (request) => conversions.page((await authenticate(request)).sub, request.query),
  );

  app.get(
    '/conversions/:id',
    { schema: { tags, security, params: ConversionParams, response: { 200: Conversion, ...notFound } } },
    async (request) => conversions.get((await authenticate(request)).sub, request.params.id),
  );

  app.get(
    '/conversions/:id/download',
    {
      schema: {
        tags,
        security,
        summary: 'Redirects to a short-lived link to the result',
        params: ConversionParams,
        response: {
          302: noContent('Location is the link; it saves under the original name with the new extension.'),
          ...problemResponses({ 404: [ConversionErrorCode.NotFound], 409: [ConversionErrorCode.NotReady] }),
        },
      },
    },
    async (request, reply) => {
      const url = await conversions.downloadUrl((await authenticate(request)).sub, request.params.id);
      return reply.header('cache-control', 'no-store').redirect(url, 302);
    },
  );

  app.get(
    '/conversions/:id/thumbnail',
    {
      schema: {
        tags,
        security,
        summary: "The result's first page as a small WebP image (320 px wide at most)",
        description: thumbnailDescription,
        params: ConversionParams,
        response: {
          200: thumbnailResponse,
          ...problemResponses({
            404: [ConversionErrorCode.NotFound, ConversionErrorCode.ThumbnailUnavailable],
            409: [ConversionErrorCode.NotReady],
          }),
        },
      },
    },
    async (request, reply) => {
      const image = await conversions.thumbnail((await authenticate(request)).sub, request.params.id);
      // Streamed, not a redirect: the SPA fetches it with its bearer token; it never changes.
      return reply
        .type('image/webp')
        .header('cache-control', `private, max-age=${THUMBNAIL_CACHE_SECONDS}`)
        .send(image as never); // a stream is sent as it is; the schema only documents it
    },
  );

  app.delete(
    '/conversions/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Deletes the job, its original and its result',
        params: ConversionParams,
        response: { 204: noContent('Deleted.'), ...notFound },
      },
    },
    async (request, reply) => {
      await conversions.delete((await authenticate(request)).sub, request.params.id);
      return reply.code(204).send();
    },
  );
}

interface UploadLimits {
  /** For one file, and for the sum of a merge's files. */
  maxBytes: number;
  maxMergeFiles: number;
}

const OPTION_FIELDS = ['target', 'pdfa', 'pdfua', 'pages', 'password', 'merge'];

/**
 * Streams each "file" part to its own file in `dir` (never held in memory), stopping once the files
 * together pass `maxBytes`; the fields may come before or after them. Whatever is wrong with the body
 * is a 4xx naming it: several files without merge=true, too many to merge, a bad field value.
 */
async function readUploadForm(
  request: FastifyRequest,
  dir: string,
  limits: UploadLimits,
): Promise<Submission> {
  if (!request.isMultipart()) throw conversionError(ConversionErrorCode.UploadMissing);
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  let total = 0;
  try {
    for await (const part of request.parts({
      // One more file than a merge takes, so that "too many" is told apart from the limit itself.
      limits: {
        fileSize: limits.maxBytes,
        files: limits.maxMergeFiles + 1,
        fields: OPTION_FIELDS.length + 4,
        fieldSize: 1024,
      },
    })) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        continue;
      }
      if (files.length === limits.maxMergeFiles) throw tooManyFiles(fields, limits.maxMergeFiles);
      const path = join(dir, `upload-${files.length + 1}`);
      let bytes = 0;
      await pipeline(
        part.file,
        async function* countTotal(source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            bytes += chunk.length;
            if (total + bytes > limits.maxBytes) throw tooLarge(limits.maxBytes, files.length > 0);
            yield chunk;
          }
        },
        createWriteStream(path),
      );
      if (part.file.truncated) throw tooLarge(limits.maxBytes, files.length > 0);
      total += bytes;
      files.push({ path, name: uploadName(part.filename), bytes });
    }
  } catch (error) {
    throw asClientError(error, limits.maxBytes, files.length > 0);
  }
  if (files.length === 0) throw conversionError(ConversionErrorCode.UploadMissing);
  const target = TargetFormat.safeParse(fields.target);
  if (!target.success) {
    throw conversionError(ConversionErrorCode.UploadMissing, {
      detail: `The field "target" must be one of ${TargetFormat.options.join(', ')}.`,
    });
  }
  const options = parseOptionFields(fields);
  if (files.length > 1 && !options.merge) throw tooManyFiles(fields, limits.maxMergeFiles);
  return { files, target: target.data, options };
}

function tooManyFiles(fields: Record<string, string>, maxMergeFiles: number) {
  return conversionError(ConversionErrorCode.TooManyFiles, {
    detail:
      fields.merge === 'true'
        ? `At most ${maxMergeFiles} files can be merged into one PDF.`
        : `Send one file field "file", or several (at most ${maxMergeFiles}) with merge=true to join them into one PDF.`,
  });
}

const tooLarge = (maxBytes: number, several: boolean) =>
  conversionError(ConversionErrorCode.UploadTooLarge, {
    detail: `${several ? 'The files together are' : 'The file is'} larger than ${Math.floor(maxBytes / (1024 * 1024))} MiB.`,
  });

/** The name as shown back to its owner: no path, no control characters, a sane length. */
function uploadName(filename: string | undefined): string {
  const name =
    (filename ?? '')
      .split(/[\\/]/)
      .pop()
      ?.replace(/\p{Cc}/gu, '')
      .trim() ?? '';
  return name.slice(-200) || 'upload';
}

/** The parser's own limits answer 413; anything else it throws is the body's fault, not a 500. */
function asClientError(error: unknown, maxBytes: number, several: boolean): unknown {
  if (error instanceof AppError) return error;
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (status === 413) return tooLarge(maxBytes, several);
  if (typeof status === 'number' && status >= 400 && status < 500) return error;
  const reason = error instanceof Error ? error.message.replace(/\.$/, '') : 'unreadable';
  return conversionError(ConversionErrorCode.UploadMalformed, {
    detail: `The multipart/form-data body could not be read (${reason}).`,
  });
}
