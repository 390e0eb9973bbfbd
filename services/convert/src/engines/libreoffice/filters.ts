import type { SourceFormat, TargetFormat } from '@relay/contracts';
import type { ConversionOptions } from '../engine.ts';

export type OfficeSource = Extract<
  SourceFormat,
  | 'doc'
  | 'docx'
  | 'odt'
  | 'rtf'
  | 'txt'
  | 'md'
  | 'html'
  | 'xls'
  | 'xlsx'
  | 'ods'
  | 'csv'
  | 'ppt'
  | 'pptx'
  | 'odp'
>;
type OfficeTarget = Extract<TargetFormat, 'pdf' | 'docx' | 'odt' | 'xlsx' | 'ods' | 'csv' | 'pptx' | 'odp'>;

/** Comma-separated UTF-8, quotes only where a cell needs them, values as shown (LibreOffice token order). */
const CSV_OPTIONS = '44,34,76,1,,0,false,true,true';

/**
 * The import filter for each source: the format was detected from content upstream, so LibreOffice is
 * told what to open it as instead of guessing from a file name. Markdown is read as plain text (7.4
 * has no Markdown filter); HTML opens in Writer (not Writer/Web) so it can be saved as docx/odt too.
 */
export const IMPORT_FILTERS: Readonly<Record<OfficeSource, string>> = {
  doc: 'MS Word 97',
  docx: 'MS Word 2007 XML',
  odt: 'writer8',
  rtf: 'Rich Text Format',
  txt: 'Text (encoded)',
  md: 'Text (encoded)',
  html: 'HTML (StarWriter)',
  xls: 'MS Excel 97',
  xlsx: 'Calc MS Excel 2007 XML',
  ods: 'calc8',
  csv: 'Text - txt - csv (StarCalc)',
  ppt: 'MS PowerPoint 97',
  pptx: 'Impress MS PowerPoint 2007 XML',
  odp: 'impress8',
};

/** Export filters for the office targets; PDF is left to unoserver, which picks Writer's, Calc's or Impress's. */
const EXPORT_FILTERS: Readonly<Record<Exclude<OfficeTarget, 'pdf'>, string>> = {
  docx: 'MS Word 2007 XML',
  odt: 'writer8',
  xlsx: 'Calc MS Excel 2007 XML',
  ods: 'calc8',
  csv: 'Text - txt - csv (StarCalc)',
  pptx: 'Impress MS PowerPoint 2007 XML',
  odp: 'impress8',
};

export const isOfficeSource = (format: SourceFormat): format is OfficeSource => format in IMPORT_FILTERS;

export interface ExportSettings {
  convertTo: string;
  exportFilter?: string;
  filterOptions: string[];
}

/**
 * How LibreOffice writes the target. For PDF: `SelectPdfVersion` 1, 2 or 3 for PDF/A-1b, -2b, -3b;
 * `PDFUACompliance` for a tagged PDF/UA file; `PageRange` (canonical, see page-ranges.ts) for some pages
 * only, which LibreOffice applies while exporting, so PDF/A and PDF/UA stay conformant.
 */
export function exportSettings(
  target: TargetFormat,
  options: Omit<ConversionOptions, 'password'>,
): ExportSettings | undefined {
  if (target === 'pdf') {
    const filterOptions: string[] = [];
    if (options.pdfa !== undefined) filterOptions.push(`SelectPdfVersion=${options.pdfa.slice(0, 1)}`);
    if (options.pdfua === true) filterOptions.push('PDFUACompliance=true');
    if (options.pages !== undefined) filterOptions.push(`PageRange=${options.pages}`);
    return { convertTo: 'pdf', filterOptions };
  }
  if (!(target in EXPORT_FILTERS)) return undefined;
  const exportFilter = EXPORT_FILTERS[target as keyof typeof EXPORT_FILTERS];
  return { convertTo: target, exportFilter, filterOptions: target === 'csv' ? [CSV_OPTIONS] : [] };
}
