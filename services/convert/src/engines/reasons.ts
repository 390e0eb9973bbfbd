import type { SourceFormat, TargetFormat } from '@relay/contracts';
import { ConversionFailed, type ConversionRequest } from './engine.ts';

const LABELS: Partial<Record<SourceFormat | TargetFormat, string>> = {
  doc: 'a Word 97–2003 document',
  docx: 'a Word document',
  odt: 'an OpenDocument text',
  rtf: 'a rich text document',
  txt: 'a plain text file',
  md: 'a Markdown file',
  html: 'an HTML page',
  xls: 'an Excel 97–2003 workbook',
  xlsx: 'an Excel workbook',
  ods: 'an OpenDocument spreadsheet',
  csv: 'a CSV file',
  ppt: 'a PowerPoint 97–2003 presentation',
  pptx: 'a PowerPoint presentation',
  odp: 'an OpenDocument presentation',
  pdf: 'a PDF',
};

/** "a Word document", "a PNG image": how a format is named in a reason shown to its owner. */
export const describeFormat = (format: SourceFormat | TargetFormat): string =>
  LABELS[format] ?? `a ${format.toUpperCase()} image`;

export const refuseUnsupported = (request: ConversionRequest) =>
  new ConversionFailed(
    `${capitalize(describeFormat(request.sourceFormat))} cannot be converted to ${describeFormat(request.target)}${request.options.pdfa !== undefined && request.target !== 'pdf' ? ' (PDF/A applies to PDF only)' : ''}.`,
    { retryable: false },
  );

/**
 * Reasons of retryable failures. The job shows one only once no attempt is left (a retried attempt
 * shows nothing), so none of them may promise another attempt: each is written as the last word.
 */
export const RetryableReason = {
  interrupted: 'The conversion was interrupted (the converter was shutting down). Upload the file again.',
  engineStopped: 'The converter stopped unexpectedly while converting this file. Upload it again.',
  serviceUnavailable: (format: SourceFormat) =>
    `The conversion service did not answer while converting ${describeFormat(format)}. Upload it again later.`,
} as const;

/** Final: the same document made a fresh LibreOffice instance abort twice. */
export const DOCUMENT_CRASHES_LIBREOFFICE =
  'This document makes LibreOffice crash each time it is opened, so it cannot be converted. Saving it again from an office program may help.';

export const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
