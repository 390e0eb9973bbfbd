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
    `${capitalize(describeFormat(request.sourceFormat))} cannot be converted to ${describeFormat(request.target)}${request.pdfa && request.target !== 'pdf' ? ' (PDF/A applies to PDF only)' : ''}.`,
    { retryable: false },
  );

export const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
