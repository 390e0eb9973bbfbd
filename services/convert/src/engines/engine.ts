import type { PdfaLevel, SourceFormat, TargetFormat } from '@relay/contracts';

/** What the owner asked for beyond the target; already validated against the source and target. */
export interface ConversionOptions {
  /** Only these pages of the result, as written by the owner and validated: `2-3,5`. */
  pages?: string;
  /** A PDF/A conformance level; only with target `pdf`. */
  pdfa?: PdfaLevel;
  /** Tagged, accessible PDF (PDF/UA); only with target `pdf`. */
  pdfua?: boolean;
  /** Opens a protected document; held in memory for the job only, never stored or logged. */
  password?: string;
}

/** One conversion, file to file: engines never see S3, the database or the queue. */
export interface ConversionRequest {
  /** A file on local disk, already checked (format detected from content, zips inspected). */
  inputPath: string;
  sourceFormat: SourceFormat;
  target: TargetFormat;
  options: ConversionOptions;
  /** Where the result is written; the directory exists. */
  outputPath: string;
  /** Aborted when the job is given up (worker shutting down). */
  signal?: AbortSignal;
}

/** Turns one file into another. Each engine handles the source families it is chosen for. */
export interface ConversionEngine {
  readonly name: 'libreoffice' | 'chromium' | 'images' | 'http';
  /** Starts whatever must be warm (the LibreOffice pool); resolves when it can convert. */
  start(): Promise<void>;
  /** Readiness: resolves when a conversion could start now (or soon), throws otherwise. */
  ping(): Promise<void>;
  convert(request: ConversionRequest): Promise<void>;
  close(): Promise<void>;
}

/**
 * A conversion that did not produce a result. `reason` is shown to the owner as it is: a sentence a
 * person understands ("The file is password-protected."), never a stack trace. `retryable` says
 * whether another attempt could succeed (an instance crashed, a remote 5xx) or not (corrupt input).
 */
export class ConversionFailed extends Error {
  readonly reason: string;
  readonly retryable: boolean;

  constructor(reason: string, options: { retryable: boolean; cause?: unknown }) {
    super(reason, { cause: options.cause });
    this.name = 'ConversionFailed';
    this.reason = reason;
    this.retryable = options.retryable;
  }
}
