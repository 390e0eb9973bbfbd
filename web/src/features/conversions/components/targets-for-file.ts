import type { ConversionFormats, SourceFormat, TargetFormat } from '@relay/contracts';

/** Extensions people use that are not the format's own name. */
const EXTENSION_ALIASES: Readonly<Record<string, SourceFormat>> = {
  jpg: 'jpeg',
  htm: 'html',
  tif: 'tiff',
  markdown: 'md',
  heif: 'heic',
};

/** The format a file's extension names (the gateway still decides by content); undefined without one. */
export function sourceForFile(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return undefined;
  const extension = fileName.slice(dot + 1).toLowerCase();
  return EXTENSION_ALIASES[extension] ?? extension;
}

/** The targets offered for a file, guessed from its extension; empty when Relay reads no such format. */
export function targetsForFile(fileName: string, formats: ConversionFormats): readonly TargetFormat[] {
  const source = sourceForFile(fileName);
  return formats.formats.find((format) => format.source === source)?.targets ?? [];
}
