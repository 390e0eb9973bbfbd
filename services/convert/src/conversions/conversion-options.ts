import type { PdfaLevel, SourceFormat, TargetFormat } from '@relay/contracts';
import { canonicalPages, parsePages } from '../formats/page-ranges.ts';
import { ConversionErrorCode, conversionError } from './conversions.errors.ts';

/** What the owner asked for beyond the target, read from the upload's fields. */
export interface UploadOptions {
  pdfa?: PdfaLevel;
  pdfua: boolean;
  /** Canonical (page-ranges.ts). */
  pages?: string;
  /** Held in memory until the vault encrypts it; never on a row, in job data or in a log. */
  password?: string;
  merge: boolean;
}

const MAX_PASSWORD_CHARS = 256;
const IMAGES: readonly SourceFormat[] = ['png', 'jpeg', 'webp', 'avif', 'tiff', 'gif', 'heic'];
/** Printed by Chromium (or read as text): no PDF/A, no tags. */
const WEB_PAGES: readonly SourceFormat[] = ['html', 'md'];

const invalid = (detail: string) => conversionError(ConversionErrorCode.OptionInvalid, { detail });
const unsupported = (detail: string) => conversionError(ConversionErrorCode.OptionUnsupported, { detail });

function booleanField(fields: Record<string, string>, name: string): boolean {
  const value = fields[name];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw invalid(`The field "${name}" must be true or false.`);
}

/** The option fields' syntax: a malformed value is a 400 naming the field (never echoing a password). */
export function parseOptionFields(fields: Record<string, string>): UploadOptions {
  const options: UploadOptions = {
    pdfua: booleanField(fields, 'pdfua'),
    merge: booleanField(fields, 'merge'),
  };
  const pdfa = fields.pdfa;
  if (pdfa === '1b' || pdfa === '2b' || pdfa === '3b') options.pdfa = pdfa;
  else if (pdfa === 'true') options.pdfa = '2b';
  else if (pdfa !== undefined && pdfa !== 'false') {
    throw invalid('The field "pdfa" must be 1b, 2b or 3b (true means 2b, false none).');
  }
  if (fields.pages !== undefined) {
    const parsed = parsePages(fields.pages);
    if (!parsed.ok) throw invalid(parsed.detail);
    options.pages = canonicalPages(parsed.ranges);
  }
  const password = fields.password;
  if (password !== undefined && password !== '') {
    if ([...password].length > MAX_PASSWORD_CHARS) {
      throw invalid(`The field "password" is longer than ${MAX_PASSWORD_CHARS} characters.`);
    }
    options.password = password;
  }
  return options;
}

/**
 * Whether the options fit the files and the target: one that cannot apply is a 422 saying why, before
 * anything is stored. `files` are the detected formats with the names they were sent under.
 */
export function checkOptions(
  files: ReadonlyArray<{ format: SourceFormat; name: string }>,
  target: TargetFormat,
  options: UploadOptions,
): void {
  const pdfOnly = [
    options.merge && 'merge',
    options.pdfa !== undefined && 'pdfa',
    options.pdfua && 'pdfua',
    options.pages !== undefined && 'pages',
  ].filter((name) => name !== false);
  if (target !== 'pdf' && pdfOnly.length > 0) {
    throw unsupported(`The field "${pdfOnly[0]}" applies only to the target pdf, not to ${target}.`);
  }
  if (options.merge && options.pdfa !== undefined) {
    throw unsupported(
      'The fields "merge" and "pdfa" cannot be combined: joining PDF/A files does not keep PDF/A conformance. Convert each file to PDF/A on its own.',
    );
  }
  if (options.merge && options.pdfua) {
    throw unsupported(
      'The fields "merge" and "pdfua" cannot be combined: the files\' tags are not carried into the joined PDF. Convert each file to PDF/UA on its own.',
    );
  }
  for (const { format, name } of files) {
    const family = IMAGES.includes(format)
      ? 'an image'
      : WEB_PAGES.includes(format)
        ? 'HTML or Markdown'
        : undefined;
    if (family === undefined) continue;
    if (options.pdfa !== undefined) {
      throw unsupported(
        `The field "pdfa" applies to office documents; ${name} is ${family}, which prints to plain PDF.`,
      );
    }
    if (options.pdfua) {
      throw unsupported(
        `The field "pdfua" applies to office documents; ${name} is ${family}, whose PDF has no tags.`,
      );
    }
    if (family === 'an image' && !options.merge && options.pages !== undefined && options.pages !== '1-1') {
      throw unsupported(`An image converts to one page: the field "pages" can only be 1 for ${name}.`);
    }
  }
}
