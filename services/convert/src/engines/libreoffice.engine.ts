import { stat } from 'node:fs/promises';
import { type ConversionEngine, ConversionFailed, type ConversionRequest } from './engine.ts';
import { isPasswordProtected } from './libreoffice/encryption.ts';
import { exportSettings, IMPORT_FILTERS, isOfficeSource } from './libreoffice/filters.ts';
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
      const settings = exportSettings(request.target, request.options);
      const pdfaMisplaced = request.options.pdfa !== undefined && request.target !== 'pdf';
      if (!isOfficeSource(request.sourceFormat) || settings === undefined || pdfaMisplaced) {
        throw refuseUnsupported(request);
      }
      try {
        await pool.convert(
          {
            inputPath: request.inputPath,
            outputPath: request.outputPath,
            importFilter: IMPORT_FILTERS[request.sourceFormat],
            ...settings,
          },
          request.signal,
        );
      } catch (error) {
        if (error instanceof XmlRpcFault) throw await documentRefused(error, request);
        throw error;
      }
      const written = await stat(request.outputPath).catch(() => undefined);
      if (written === undefined || written.size === 0) {
        throw new ConversionFailed(`LibreOffice produced no ${describeFormat(request.target)} file.`, {
          retryable: false,
        });
      }
    },
  };
}

async function documentRefused(fault: XmlRpcFault, request: ConversionRequest): Promise<ConversionFailed> {
  const loadFailed = /Could not load document/.test(fault.faultString);
  if (loadFailed && (await isPasswordProtected(request.inputPath))) {
    return new ConversionFailed('The file is password-protected. Remove the password and upload it again.', {
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
