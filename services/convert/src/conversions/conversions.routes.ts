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
import { ConversionErrorCode, conversionError } from './conversions.errors.ts';
import type { ConversionsService, UploadedFile } from './conversions.service.ts';

export interface ConversionRouteDeps {
  conversions: ConversionsService;
  authenticate: Authenticate;
  maxUploadBytes: number;
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

const UploadForm = z.object({
  target: TargetFormat,
  pdfa: z.enum(['true', 'false']).optional().describe('PDF/A-2b; only with target pdf'),
  file: z.file(),
});

export function registerConversionRoutes(app: HttpApp, deps: ConversionRouteDeps): void {
  const { conversions, authenticate, maxUploadBytes } = deps;

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
        body: multipartBody(UploadForm),
        response: {
          202: Conversion,
          ...problemResponses({
            400: [ConversionErrorCode.UploadMissing, ConversionErrorCode.UploadMalformed],
            413: [ConversionErrorCode.UploadTooLarge],
            415: [ConversionErrorCode.UnsupportedFormat, ConversionErrorCode.FormatMismatch],
            422: [
              ConversionErrorCode.UnsupportedConversion,
              ConversionErrorCode.ArchiveTooLarge,
              ConversionErrorCode.ArchiveInvalid,
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
        const form = await readUploadForm(request, join(dir, 'upload'), maxUploadBytes);
        const conversion = await conversions.submit(sub, form.file, form.target, form.pdfa);
        return reply.code(202).send(conversion);
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

interface UploadForm {
  file: UploadedFile;
  target: TargetFormat;
  pdfa: boolean;
}

/**
 * Streams the one file part to `path` (never held in memory), stopping at `maxBytes`; the fields may
 * come before or after it. Whatever is wrong with the body is a 4xx naming it.
 */
async function readUploadForm(request: FastifyRequest, path: string, maxBytes: number): Promise<UploadForm> {
  if (!request.isMultipart()) throw conversionError(ConversionErrorCode.UploadMissing);
  const fields: Record<string, string> = {};
  let file: UploadedFile | undefined;
  try {
    for await (const part of request.parts({
      limits: { fileSize: maxBytes, files: 1, fields: 4, fieldSize: 100 },
    })) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file' || file !== undefined) {
        part.file.resume();
        continue;
      }
      let bytes = 0;
      part.file.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      await pipeline(part.file, createWriteStream(path));
      if (part.file.truncated) throw tooLarge(maxBytes);
      file = { path, name: uploadName(part.filename), bytes };
    }
  } catch (error) {
    throw asClientError(error, maxBytes);
  }
  if (file === undefined) throw conversionError(ConversionErrorCode.UploadMissing);
  const target = TargetFormat.safeParse(fields.target);
  if (!target.success) {
    throw conversionError(ConversionErrorCode.UploadMissing, {
      detail: `The field "target" must be one of ${TargetFormat.options.join(', ')}.`,
    });
  }
  if (fields.pdfa !== undefined && fields.pdfa !== 'true' && fields.pdfa !== 'false') {
    throw conversionError(ConversionErrorCode.UploadMissing, {
      detail: 'The field "pdfa" must be true or false.',
    });
  }
  return { file, target: target.data, pdfa: fields.pdfa === 'true' };
}

const tooLarge = (maxBytes: number) =>
  conversionError(ConversionErrorCode.UploadTooLarge, {
    detail: `The file is larger than ${Math.floor(maxBytes / (1024 * 1024))} MiB.`,
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
function asClientError(error: unknown, maxBytes: number): unknown {
  if (error instanceof AppError) return error;
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (status === 413) return tooLarge(maxBytes);
  if (typeof status === 'number' && status >= 400 && status < 500) return error;
  const reason = error instanceof Error ? error.message.replace(/\.$/, '') : 'unreadable';
  return conversionError(ConversionErrorCode.UploadMalformed, {
    detail: `The multipart/form-data body could not be read (${reason}).`,
  });
}
