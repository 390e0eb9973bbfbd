import { z } from 'zod';
import { MAX_PAGES_CHARS, PAGES_PATTERN } from './page-ranges.ts';

/** Formats Relay reads, named by their usual extension; detected from content, never from the name. */
export const SourceFormat = z.enum([
  'doc',
  'docx',
  'odt',
  'rtf',
  'txt',
  'md',
  'html',
  'xls',
  'xlsx',
  'ods',
  'csv',
  'ppt',
  'pptx',
  'odp',
  'png',
  'jpeg',
  'webp',
  'avif',
  'tiff',
  'gif',
  'heic',
]);
export type SourceFormat = z.infer<typeof SourceFormat>;

export const TargetFormat = z.enum([
  'pdf',
  'docx',
  'odt',
  'xlsx',
  'ods',
  'csv',
  'pptx',
  'odp',
  'png',
  'jpeg',
  'webp',
  'avif',
]);
export type TargetFormat = z.infer<typeof TargetFormat>;

const text = ['pdf', 'docx', 'odt'] as const;
const sheets = ['pdf', 'xlsx', 'ods', 'csv'] as const;
const slides = ['pdf', 'pptx', 'odp'] as const;
const images = ['pdf', 'png', 'jpeg', 'webp', 'avif'] as const;
const except = (targets: readonly TargetFormat[], self: string) =>
  targets.filter((target) => target !== self);

/** The targets each source converts to: the one table gateway, convert-api and the SPA read. */
export const CONVERSION_TARGETS: Readonly<Record<SourceFormat, readonly TargetFormat[]>> = {
  doc: text,
  docx: except(text, 'docx'),
  odt: except(text, 'odt'),
  rtf: text,
  txt: text,
  md: text,
  html: text,
  xls: sheets,
  xlsx: except(sheets, 'xlsx'),
  ods: except(sheets, 'ods'),
  csv: except(sheets, 'csv'),
  ppt: slides,
  pptx: except(slides, 'pptx'),
  odp: except(slides, 'odp'),
  png: except(images, 'png'),
  jpeg: except(images, 'jpeg'),
  webp: except(images, 'webp'),
  avif: except(images, 'avif'),
  tiff: images,
  gif: images,
  heic: images,
};

/** Media type of each target, for the stored result and its download. */
export const TARGET_MEDIA_TYPES: Readonly<Record<TargetFormat, string>> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  csv: 'text/csv',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odp: 'application/vnd.oasis.opendocument.presentation',
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
};

/** PDF/A conformance levels a PDF result can be made to (archival PDF; b: visual appearance kept). */
export const PdfaLevel = z.enum(['1b', '2b', '3b']);
export type PdfaLevel = z.infer<typeof PdfaLevel>;

/** `expired`: past retention, both files removed; the row stays so the list can say so. */
export const ConversionStatus = z.enum(['queued', 'converting', 'done', 'failed', 'expired']);
export type ConversionStatus = z.infer<typeof ConversionStatus>;

export const ConversionId = z.uuid();

/** One original of a job: one for a conversion, several (in the order sent) for a merge. */
export const ConversionSource = z.object({
  name: z.string(),
  format: SourceFormat,
  bytes: z.number().int().min(0),
});
export type ConversionSource = z.infer<typeof ConversionSource>;

/**
 * The text fields of `POST /api/conversions` (multipart/form-data), as convert-api and the gateway
 * document them; each route adds its `file` parts. Validated by convert-api, which answers a bad
 * value with 400 option_invalid and one that does not fit the file or target with 422 option_unsupported.
 */
export const ConversionUploadFields = z.object({
  target: TargetFormat,
  pdfa: z
    .enum(['1b', '2b', '3b', 'true', 'false'])
    .optional()
    .describe(
      'PDF/A level (pdf target, office documents): 1b, 2b or 3b; true is 2b, false none. LibreOffice writes 1b as PDF/A-1a, which meets 1b.',
    ),
  pdfua: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      'A tagged, accessible PDF/UA file (pdf target, office documents; not images, HTML or Markdown).',
    ),
  pages: z
    .string()
    .max(MAX_PAGES_CHARS)
    .regex(new RegExp(PAGES_PATTERN))
    .optional()
    .describe(
      'Only these pages of the result, in document order (pdf target), e.g. 2-3,5. A page past the last one fails the job with a reason. An image is one page: only 1.',
    ),
  password: z
    .string()
    .max(256)
    .optional()
    .describe(
      "Opens a password-protected document (every protected file of a merge). Never stored in the database or logged; kept encrypted in Redis until the job ends. A wrong one fails the job: 'The password is wrong…'.",
    ),
  merge: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      'true: several "file" parts become one PDF, in the order sent (pdf target only; not with pdfa or pdfua). Without it, exactly one "file".',
    ),
});

/** One job as its owner sees it (REST and the list). */
export const Conversion = z.object({
  id: ConversionId,
  status: ConversionStatus,
  /** The name it was uploaded under. */
  sourceName: z.string(),
  sourceFormat: SourceFormat,
  sourceBytes: z.number().int().min(0),
  target: TargetFormat,
  /** The PDF/A level asked for, or null for a plain PDF (or another target). */
  pdfa: PdfaLevel.nullable(),
  pdfua: z.boolean(),
  /** The pages kept, canonical (`2-3,5-5`), or null for all. */
  pages: z.string().nullable(),
  /** The originals in the order sent; several for a merge (sourceName, sourceFormat are the first's, sourceBytes their sum). */
  sources: z.array(ConversionSource).min(1),
  /** The name the download is saved under: the source's, with the target's extension. */
  resultName: z.string(),
  resultBytes: z.number().int().min(0).nullable(),
  /** Set when `failed`: a reason a person can read. */
  reason: z.string().nullable(),
  /** Set when `done`: the gateway path that redirects to a short-lived link. */
  downloadPath: z.string().nullable(),
  /** Set when `done` and the result has a first page to show: the gateway path of its small WebP image. */
  thumbnailPath: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Conversion = z.infer<typeof Conversion>;

export const ConversionPage = z.object({
  conversions: z.array(Conversion),
  /** Pass as `before` for the next (older) page; null on the last one. */
  nextCursor: ConversionId.nullable(),
});
export type ConversionPage = z.infer<typeof ConversionPage>;

export const ConversionPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** A page's nextCursor: the id of its last job; the next page holds the older ones. */
  before: ConversionId.optional(),
});
export type ConversionPageQuery = z.infer<typeof ConversionPageQuery>;

export const ConversionParams = z.object({ id: ConversionId });

/** The download link as JSON, for clients that cannot read a cross-origin redirect (the SPA). */
export const ConversionDownloadLink = z.object({ url: z.url() });
export type ConversionDownloadLink = z.infer<typeof ConversionDownloadLink>;

export const ConversionFormats = z.object({
  formats: z.array(z.object({ source: SourceFormat, targets: z.array(TargetFormat) })),
  /** The largest upload accepted, in bytes (for a merge, of its files together). */
  maxUploadBytes: z.number().int(),
  /** The most files one merge (merge=true) joins. */
  maxMergeFiles: z.number().int().min(2),
});
export type ConversionFormats = z.infer<typeof ConversionFormats>;

/** Pushed to the owner's group at every transition, relayed on the owner's WebSocket. */
export const ConversionStatusChanged = z.object({
  conversionId: ConversionId,
  ownerId: z.uuid(),
  status: ConversionStatus,
  /** Set when status is `done`: gateway path that redirects to a presigned URL. */
  downloadPath: z.string().optional(),
  /** Set when status is `done` and the result has a thumbnail: gateway path of the WebP image. */
  thumbnailPath: z.string().optional(),
  /** Set when status is `failed`: a reason a person can read. */
  reason: z.string().optional(),
  at: z.iso.datetime(),
});
export type ConversionStatusChanged = z.infer<typeof ConversionStatusChanged>;

/** The problem codes convert-api answers with; the gateway relays them as they are. */
export const ConversionProblemCode = {
  NotFound: 'conversion_not_found',
  NotReady: 'conversion_not_ready',
  UploadMissing: 'upload_missing',
  UploadMalformed: 'upload_malformed',
  UploadTooLarge: 'upload_too_large',
  UnsupportedFormat: 'unsupported_format',
  FormatMismatch: 'format_mismatch',
  UnsupportedConversion: 'unsupported_conversion',
  ArchiveTooLarge: 'archive_too_large',
  ArchiveInvalid: 'archive_invalid',
  /** The result has no page to show (a spreadsheet, a text document), or its thumbnail could not be made. */
  ThumbnailUnavailable: 'thumbnail_unavailable',
  /** A field's value is malformed (pages, pdfa, pdfua, merge, password): the detail names the field. */
  OptionInvalid: 'option_invalid',
  /** An option that does not apply to this file or target (pages for a docx to odt, pdfa for an image). */
  OptionUnsupported: 'option_unsupported',
  /** Several files without merge=true, or more than can be merged. */
  TooManyFiles: 'too_many_files',
  /** The owner already has as many jobs queued and converting as one person may. */
  TooManyConversions: 'too_many_conversions',
} as const;
export type ConversionProblemCode = (typeof ConversionProblemCode)[keyof typeof ConversionProblemCode];
