import { createWriteStream, openAsBlob } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@relay/platform';
import { type ConversionEngine, ConversionFailed, type ConversionRequest } from './engine.ts';
import { PASSWORD_NEEDED, WRONG_PASSWORD } from './libreoffice/encryption.ts';
import { isOfficeSource } from './libreoffice/filters.ts';
import { exportWithPages } from './libreoffice/pages.ts';
import { RetryableReason, refuseUnsupported } from './reasons.ts';

export interface HttpEngineOptions {
  /** Base URL of a Gotenberg-compatible service, e.g. http://gotenberg:3000. */
  baseUrl: string;
  /** One attempt's limit, request to last byte. */
  timeoutMs: number;
  /** Attempts in all for 5xx, 429 and network errors. */
  attempts?: number;
  /** Wait before the second attempt; doubles after each. */
  backoffMs?: number;
  logger: Logger;
}

/** A remote answer worth another attempt (server trouble), as opposed to a refusal of the file. */
class TransientFailure extends Error {}

const REFUSALS: Readonly<Record<number, string>> = {
  400: 'The conversion service could not convert this file: it may be damaged, password-protected or not what its type says.',
  401: 'The conversion service refused our credentials; an administrator has to fix its configuration.',
  403: 'The conversion service refused our credentials; an administrator has to fix its configuration.',
  404: 'The conversion service has no LibreOffice conversion route at the configured address.',
  413: 'The file is too large for the conversion service.',
  415: 'The conversion service does not accept this type of file.',
};

/** Gotenberg 8 names the password in its 400s: "is password-protected", "password … is incorrect". */
function passwordRefusal(status: number, detail: string): string | undefined {
  if (status !== 400) return undefined;
  if (/password for the document .* is incorrect|with the given password/i.test(detail))
    return WRONG_PASSWORD;
  if (/is password-protected/i.test(detail)) return PASSWORD_NEEDED;
  return undefined;
}

/** Office documents to PDF through a Gotenberg-compatible API (`POST /forms/libreoffice/convert`). */
export function createHttpEngine(options: HttpEngineOptions): ConversionEngine {
  const { baseUrl, timeoutMs, attempts = 3, backoffMs = 500, logger } = options;
  const endpoint = new URL('forms/libreoffice/convert', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const seconds = Math.round(timeoutMs / 100) / 10;

  async function attempt(request: ConversionRequest, outputPath: string, pages?: string): Promise<void> {
    const form = new FormData();
    // The service picks LibreOffice's import filter by extension; Markdown is read as text, as locally.
    const extension = request.sourceFormat === 'md' ? 'txt' : request.sourceFormat;
    form.append('files', await openAsBlob(request.inputPath), `document.${extension}`);
    const { pdfa, pdfua, password } = request.options;
    if (pdfa !== undefined) form.append('pdfa', `PDF/A-${pdfa}`);
    if (pdfua === true) form.append('pdfua', 'true');
    // Only for a file known to be protected: Gotenberg refuses a password for one that is not.
    if (password !== undefined) form.append('password', password);
    if (pages !== undefined) form.append('nativePageRanges', pages);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
    let response: Response;
    try {
      response = await fetch(endpoint, { method: 'POST', body: form, signal });
      if (response.ok && response.body !== null) {
        await pipeline(Readable.fromWeb(response.body as ReadableStream), createWriteStream(outputPath), {
          signal,
        });
        return;
      }
    } catch (error) {
      if (timeout.aborted) {
        throw new ConversionFailed(`The conversion took longer than ${seconds} s and was stopped.`, {
          retryable: false,
          cause: error,
        });
      }
      if (request.signal?.aborted) {
        throw new ConversionFailed(RetryableReason.interrupted, {
          retryable: true,
          cause: error,
        });
      }
      throw new TransientFailure(`conversion service unreachable: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const detail = (await response.text().catch(() => '')).slice(0, 300);
    if (response.status >= 500 || response.status === 429) {
      throw new TransientFailure(`conversion service answered ${response.status}: ${detail}`);
    }
    logger.warn({ status: response.status, detail }, 'conversion service refused a file');
    throw new ConversionFailed(
      passwordRefusal(response.status, detail) ??
        REFUSALS[response.status] ??
        `The conversion service refused the file (HTTP ${response.status}).`,
      { retryable: false },
    );
  }

  return {
    name: 'http',
    start: async () => {},
    // Gotenberg's own readiness route; any answer below 500 means it is there.
    async ping() {
      const response = await fetch(new URL('health', endpoint.origin), { signal: AbortSignal.timeout(5000) });
      if (response.status >= 500) throw new Error(`conversion service health answered ${response.status}`);
    },
    close: async () => {},
    async convert(request: ConversionRequest): Promise<void> {
      if (!isOfficeSource(request.sourceFormat) || request.target !== 'pdf') throw refuseUnsupported(request);
      for (let number = 1; ; number++) {
        try {
          await exportWithPages(request, (outputPath, pages) => attempt(request, outputPath, pages));
          return;
        } catch (error) {
          if (!(error instanceof TransientFailure)) throw error;
          if (number >= attempts) {
            throw new ConversionFailed(RetryableReason.serviceUnavailable(request.sourceFormat), {
              retryable: true,
              cause: error,
            });
          }
          logger.warn({ err: error, attempt: number }, 'conversion service failed, retrying');
          await sleep(backoffMs * 2 ** (number - 1), undefined, { signal: request.signal });
        }
      }
    },
  };
}
