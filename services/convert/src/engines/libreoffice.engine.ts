import { stat } from 'node:fs/promises';
import { type ConversionEngine, ConversionFailed, type ConversionRequest } from './engine.ts';
import { isPasswordProtected, PASSWORD_NEEDED, WRONG_PASSWORD } from './libreoffice/encryption.ts';
import { exportSettings, IMPORT_FILTERS, isOfficeSource } from './libreoffice/filters.ts';
import { exportWithPages } from './libreoffice/pages.ts';
import type { LibreOfficePool } from './libreoffice/pool.ts';
import { XmlRpcFault } from './libreoffice/xmlrpc.ts';
import { capitalize, describeFormat, refuseUnsupported } from './reasons.ts';

/** Office, text and HTML documents through the warm LibreOffice pool. */
export function createLibreOfficeEngine(pool: LibreOfficePool): ConversionEngine {
  return {
    name: 'libreoffice',
    start: () => pool.start(),
    ping: () => pool.ping(),
    close: () => pool.close(),
    async convert(request: ConversionRequest): Promise<void> {
      const { pages: _pages, password, ...formatting } = request.options;
      const pdfOnly =
        request.options.pdfa !== undefined || request.options.pdfua === true || _pages !== undefined;
      if (
        !isOfficeSource(request.sourceFormat) ||
        exportSettings(request.target, formatting) === undefined ||
        (pdfOnly && request.target !== 'pdf')
      ) {
        throw refuseUnsupported(request);
      }
      const importFilter = IMPORT_FILTERS[request.sourceFormat];
      await exportWithPages(request, async (outputPath, pages) => {
        const settings = exportSettings(
          request.target,
          pages === undefined ? formatting : { ...formatting, pages },
        );
        if (settings === undefined) throw refuseUnsupported(request);
        try {
          await pool.convert(
            {
              inputPath: request.inputPath,
              outputPath,
              importFilter,
              ...settings,
              ...(password === undefined ? {} : { password }),
            },
            request.signal,
          );
        } catch (error) {
          if (error instanceof XmlRpcFault) throw await documentRefused(error, request);
          throw error;
        }
        const written = await stat(outputPath).catch(() => undefined);
        if (written === undefined || written.size === 0) {
          throw new ConversionFailed(`LibreOffice produced no ${describeFormat(request.target)} file.`, {
            retryable: false,
          });
        }
      });
    },
  };
}

async function documentRefused(fault: XmlRpcFault, request: ConversionRequest): Promise<ConversionFailed> {
  const loadFailed = /Could not load document/.test(fault.faultString);
  if (loadFailed && (await isPasswordProtected(request.inputPath))) {
    return new ConversionFailed(request.options.password === undefined ? PASSWORD_NEEDED : WRONG_PASSWORD, {
      retryable: false,
      cause: fault,
    });
  }
  if (loadFailed) {
    return new ConversionFailed(
      `The file could not be opened as ${describeFormat(request.sourceFormat)}: it may be damaged or incomplete.`,
      { retryable: false, cause: fault },
    );
  }
  return new ConversionFailed(
    `${capitalize(describeFormat(request.sourceFormat))} could not be converted to ${describeFormat(request.target)}.`,
    { retryable: false, cause: fault },
  );
}
